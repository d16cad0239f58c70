import { Type } from 'typebox';
import { SingleLine } from '../../../http/common-schemas.js';
import { EMAIL_MAX_LENGTH } from '../../users/rules.js';
import { passwordField } from '../../users/schema.js';

export const PasswordChangeBody = Type.Object({
  old_password: Type.Optional(passwordField('required unless the caller signed in within the last 15 minutes')),
  new_password1: passwordField(),
  new_password2: passwordField(),
});

export const PasswordResetBody = Type.Object({ email: SingleLine({ maxLength: EMAIL_MAX_LENGTH, format: 'email' }) });

const uidField = () => SingleLine({ maxLength: 64 });
const tokenField = () => SingleLine({ maxLength: 128 });
const resetFields = { new_password1: passwordField(), new_password2: passwordField() };

export const PasswordResetConfirmBody = Type.Object({ uid: uidField(), token: tokenField(), ...resetFields });
export const PasswordResetConfirmInPathBody = Type.Object({ uid: Type.Optional(uidField()), token: Type.Optional(tokenField()), ...resetFields });
export const PasswordResetConfirmParams = Type.Object({ uidb64: uidField(), token: tokenField() });
