#!/usr/bin/env node
// The built entry point; `npm ci` builds dist/ through the prepare script.
import '../dist/main.js';
