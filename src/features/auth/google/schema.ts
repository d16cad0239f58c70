import { Type } from 'typebox';
import { SingleLine } from '../../../http/common-schemas.js';

export const GoogleLoginBody = Type.Object({
  id_token: Type.Optional(SingleLine({ maxLength: 8192, description: 'a Google ID token (JWT)' })),
  credential: Type.Optional(SingleLine({ maxLength: 8192, description: 'the same, as Google Identity Services names it' })),
  access_token: Type.Optional(SingleLine({ maxLength: 8192, description: 'accepted when it holds an ID token' })),
});
