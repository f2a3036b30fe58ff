// The signed-in user, shared by the router guard, the layout and the pages.
import { reactive } from 'vue'
import { api, ApiError, setCsrfToken } from '@/api/client'
import type { LoginResponse, Me } from '@/api/types'

interface SessionState {
  me: Me | null
  /** GET /api/me has been asked at least once since the page loaded. */
  loaded: boolean
}

export const session = reactive<SessionState>({ me: null, loaded: false })

// Whether this browser signed in and has not signed out since. Without it the first visit does
// not ask GET /api/me, whose 401 the browser would log as an error on the sign-in page (the cookie
// itself is HttpOnly, so the page cannot look at it).
const SIGNED_IN_HINT = 'fazhi.signed_in'

function rememberSignedIn(on: boolean): void {
  try {
    if (on) localStorage.setItem(SIGNED_IN_HINT, '1')
    else localStorage.removeItem(SIGNED_IN_HINT)
  } catch {
    // Storage refused (private mode): the next visit asks the server, as before.
  }
}

function mayBeSignedIn(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN_HINT) === '1'
  } catch {
    return true
  }
}

export function setMe(me: Me | null, csrf?: string): void {
  session.me = me
  session.loaded = true
  setCsrfToken(csrf ?? me?.csrf_token ?? '')
  rememberSignedIn(me !== null)
}

/** Asks the server who we are; a 401 just means "not signed in". */
export async function loadMe(): Promise<Me | null> {
  if (!mayBeSignedIn()) {
    setMe(null)
    return null
  }
  try {
    const me = await api.get<Me>('/api/me', undefined, { silent: true, allow401: true })
    setMe(me)
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) setMe(null)
    else {
      session.loaded = true
      throw e
    }
  }
  return session.me
}

export async function login(username: string, password: string, totpCode?: string): Promise<Me> {
  const body: Record<string, string> = { username, password }
  if (totpCode) body.totp_code = totpCode
  const res = await api.post<LoginResponse>('/api/auth/login', body, { silent: true, allow401: true })
  setMe(res.user, res.csrf_token || res.user.csrf_token)
  return res.user
}

export async function logout(): Promise<void> {
  try {
    await api.post('/api/auth/logout', {}, { silent: true, allow401: true })
  } finally {
    setMe(null)
  }
}

export function hasPerm(perm: string): boolean {
  return !!session.me && session.me.permissions.includes(perm)
}
