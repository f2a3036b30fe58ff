// The frame's own calls: the server's health and version (home page), and the signed-in user's
// own account — password and two-factor sign-in. Signing in and out and GET /api/me are in
// src/api/session.ts, shared by every module.
import { api } from '@/api/client'

export interface Health {
  status: string
  version: string
  backend: string
}

export interface TotpSetup {
  secret: string
  otpauth_uri: string
}

export const shellApi = {
  /** Quiet: the home page shows "—" when it fails. */
  health: () => api.get<Health>('/api/health', undefined, { silent: true }),
  changePassword: (oldPassword: string, newPassword: string) =>
    api.post('/api/me/password', { old_password: oldPassword, new_password: newPassword }),
  totpSetup: () => api.post<TotpSetup>('/api/me/totp/setup', {}),
  totpEnable: (code: string) => api.post('/api/me/totp/enable', { code }),
  totpDisable: (password: string) => api.post('/api/me/totp/disable', { password }),
}
