import { Type } from 'typebox';
import { UserSchema } from '../users/schema.js';
import { MAX_EMAIL_LENGTH } from './email-rules.js';
import { MAX_PASSWORD_LENGTH } from './passwords.js';

const password = (description?: string) => Type.String({ maxLength: MAX_PASSWORD_LENGTH, ...(description ? { description } : {}) });

export const CsrfTokenBody = Type.Object({ csrfToken: Type.String() });

export const RegistrationBody = Type.Object({
  username: Type.String({ maxLength: 150, pattern: '^\\s*[\\w.@+-]*\\s*$' }),
  email: Type.String({ maxLength: MAX_EMAIL_LENGTH }),
  password1: password(),
  password2: password(),
});

export const LoginBody = Type.Object({
  username: Type.Optional(Type.String({ maxLength: 254, description: 'username or e-mail address' })),
  email: Type.Optional(Type.String({ maxLength: MAX_EMAIL_LENGTH })),
  password: Type.Optional(password()),
});

/** What login, registration, refresh and Google sign-in answer (the tokens are also set as HttpOnly cookies). */
export const SignedInBody = Type.Object({
  access: Type.String(),
  refresh: Type.String(),
  access_expiration: Type.String({ format: 'date-time' }),
  refresh_expiration: Type.String({ format: 'date-time' }),
  user: UserSchema,
});

export const TokenPairBody = Type.Object({
  access: Type.String(),
  refresh: Type.String(),
  access_expiration: Type.String({ format: 'date-time' }),
  refresh_expiration: Type.String({ format: 'date-time' }),
});

export const DetailBody = Type.Object({ detail: Type.String() });

export const PasswordChangeBody = Type.Object({
  old_password: Type.Optional(password('required unless the caller signed in within the last 15 minutes')),
  new_password1: password(),
  new_password2: password(),
});

export const PasswordResetBody = Type.Object({ email: Type.String({ maxLength: MAX_EMAIL_LENGTH, format: 'email' }) });

const resetFields = {
  new_password1: password(),
  new_password2: password(),
};
export const PasswordResetConfirmBody = Type.Object({
  uid: Type.String({ maxLength: 64 }),
  token: Type.String({ maxLength: 128 }),
  ...resetFields,
});
export const PasswordResetConfirmInPathBody = Type.Object({
  uid: Type.Optional(Type.String({ maxLength: 64 })),
  token: Type.Optional(Type.String({ maxLength: 128 })),
  ...resetFields,
});
export const PasswordResetConfirmParams = Type.Object({
  uidb64: Type.String({ maxLength: 64 }),
  token: Type.String({ maxLength: 128 }),
});

export const RefreshBody = Type.Object({
  refresh: Type.Optional(Type.String({ maxLength: 2048, description: 'defaults to the refresh-token cookie' })),
});

export const VerifyBody = Type.Object({ token: Type.String({ maxLength: 2048 }) });

export const GoogleLoginBody = Type.Object({
  id_token: Type.Optional(Type.String({ maxLength: 8192, description: 'a Google ID token (JWT)' })),
  credential: Type.Optional(Type.String({ maxLength: 8192, description: 'the same, as Google Identity Services names it' })),
  access_token: Type.Optional(Type.String({ maxLength: 8192, description: 'accepted when it holds an ID token' })),
});
