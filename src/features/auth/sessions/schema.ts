import { Type } from 'typebox';
import { SingleLine } from '../../../http/common-schemas.js';
import { UserSchema, emailField, passwordField, signUpUsernameField } from '../../users/schema.js';

export const CsrfTokenBody = Type.Object({ csrfToken: Type.String() });

export const RegistrationBody = Type.Object({
  username: signUpUsernameField(),
  email: emailField(),
  password1: passwordField(),
  password2: passwordField(),
});

export const LoginBody = Type.Object({
  username: Type.Optional(emailField('username or e-mail address')),
  email: Type.Optional(emailField()),
  password: Type.Optional(passwordField()),
});

const tokenPairFields = {
  access: Type.String(),
  refresh: Type.String(),
  access_expiration: Type.String({ format: 'date-time' }),
  refresh_expiration: Type.String({ format: 'date-time' }),
};

/** What login, registration and Google sign-in answer (the tokens are also set as HttpOnly cookies). */
export const SignedInBody = Type.Object({ ...tokenPairFields, user: UserSchema });

export const TokenPairBody = Type.Object(tokenPairFields);

export const RefreshBody = Type.Object({
  refresh: Type.Optional(SingleLine({ maxLength: 2048, description: 'defaults to the refresh-token cookie' })),
});

export const VerifyBody = Type.Object({ token: SingleLine({ maxLength: 2048 }) });
