// The one way the app talks to the fazhi server.
//
// - cookies travel with `credentials: 'same-origin'` (the session cookie is HttpOnly);
// - every write carries the CSRF token handed out by the login answer or GET /api/me;
// - an error body {"error":{code,message,field}} becomes an ApiError and, unless the
//   caller asks for silence, an ElMessage with the server's Chinese message;
// - a 401 on an ordinary call means the session is gone: the registered handler sends
//   the user to the login page, remembering where they were.
import { ElMessage } from 'element-plus'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field?: string

  constructor(status: number, code: string, message: string, field?: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
  }
}

type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue>

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  query?: Query
  body?: unknown
  /** Do not show an ElMessage for errors; the caller handles them. */
  silent?: boolean
  /** A 401 answer is an expected outcome (login, session probe): do not redirect. */
  allow401?: boolean
}

let csrfToken = ''
let onUnauthorized: ((code: string) => void) | null = null
let onSetupRequired: ((code: string) => void) | null = null

export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? ''
}

/**
 * Called on 403 password_change_required / totp_setup_required: the account must first change
 * its password or enable two-factor sign-in; the layout then opens the matching dialog.
 */
export function setSetupRequiredHandler(handler: (code: string) => void): void {
  onSetupRequired = handler
}

const SETUP_CODES = new Set(['password_change_required', 'totp_setup_required'])

/** Registered once by main.ts so this module needs no import of the router. */
export function setUnauthorizedHandler(handler: (code: string) => void): void {
  onUnauthorized = handler
}

const FALLBACK_MESSAGES: Record<number, string> = {
  400: '请求内容有误',
  401: '请先登录',
  403: '没有权限执行此操作',
  404: '请求的内容不存在',
  409: '操作与现有数据冲突',
  413: '上传的内容过大',
  429: '操作过于频繁，请稍后再试',
  500: '服务器内部错误，请稍后再试',
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams()
  if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === '') continue
      params.append(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value))
    }
  }
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

function isWrite(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD'
}

/** Turns a non-2xx answer's text into an ApiError. */
function toApiError(status: number, text: string): ApiError {
  let code = ''
  let message = ''
  let field: string | undefined
  try {
    const parsed = JSON.parse(text) as { error?: { code?: string; message?: string; field?: string } }
    if (parsed && parsed.error) {
      code = parsed.error.code ?? ''
      message = parsed.error.message ?? ''
      field = parsed.error.field || undefined
    }
  } catch {
    // Not JSON (a proxy page, say): fall back to the status text below.
  }
  if (!code) code = status === 401 ? 'unauthenticated' : `http_${status}`
  if (!message) message = FALLBACK_MESSAGES[status] ?? `请求失败（HTTP ${status}）`
  return new ApiError(status, code, message, field)
}

function report(err: ApiError, opts: { silent?: boolean; allow401?: boolean }): void {
  if (err.status === 401 && !opts.allow401) {
    if (onUnauthorized) onUnauthorized(err.code)
    return
  }
  if (err.status === 403 && SETUP_CODES.has(err.code) && onSetupRequired) {
    // The dialog that opens explains what to do; no toast on top of it.
    onSetupRequired(err.code)
    return
  }
  if (!opts.silent) ElMessage.error({ message: err.message, grouping: true })
}

const NETWORK_ERROR = '无法连接服务器，请检查网络后重试'

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET'
  const headers: Record<string, string> = { Accept: 'application/json' }
  let body: BodyInit | undefined
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  if (isWrite(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken

  let res: Response
  try {
    res = await fetch(buildUrl(path, opts.query), { method, headers, body, credentials: 'same-origin' })
  } catch {
    const err = new ApiError(0, 'network', NETWORK_ERROR)
    if (!opts.silent) ElMessage.error({ message: err.message, grouping: true })
    throw err
  }
  const text = await res.text()
  if (!res.ok) {
    const err = toApiError(res.status, text)
    report(err, opts)
    throw err
  }
  if (!text) return undefined as T
  return JSON.parse(text) as T
}

export const api = {
  get: <T>(path: string, query?: Query, opts: Omit<RequestOptions, 'method' | 'query'> = {}) =>
    request<T>(path, { ...opts, method: 'GET', query }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    request<T>(path, { ...opts, method: 'POST', body: body ?? {} }),
  put: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    request<T>(path, { ...opts, method: 'PUT', body: body ?? {} }),
  del: <T>(path: string, opts: Omit<RequestOptions, 'method'> = {}) =>
    request<T>(path, { ...opts, method: 'DELETE' }),
}

/**
 * Uploads one file as multipart field `file`. XMLHttpRequest rather than fetch because
 * only it reports upload progress (0–100 to onProgress).
 */
export function uploadFile<T>(
  path: string,
  file: File,
  query: Query,
  onProgress?: (percent: number) => void,
  opts: { silent?: boolean } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', buildUrl(path, query))
    xhr.withCredentials = false // same origin: cookies are sent anyway
    xhr.setRequestHeader('Accept', 'application/json')
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken)
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable && onProgress) onProgress(Math.round((ev.loaded / ev.total) * 100))
    }
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        if (onProgress) onProgress(100)
        try {
          resolve((xhr.responseText ? JSON.parse(xhr.responseText) : undefined) as T)
        } catch {
          reject(new ApiError(xhr.status, 'bad_response', '服务器返回的内容无法识别'))
        }
        return
      }
      const err = toApiError(xhr.status, xhr.responseText)
      report(err, opts)
      reject(err)
    }
    xhr.onerror = () => {
      const err = new ApiError(0, 'network', NETWORK_ERROR)
      if (!opts.silent) ElMessage.error({ message: err.message, grouping: true })
      reject(err)
    }
    const form = new FormData()
    form.append('file', file, file.name)
    xhr.send(form)
  })
}

/**
 * Posts a multipart form (text fields and files) and answers the JSON reply, for uploads whose
 * progress does not matter (a 督办 answer with its attachments).
 */
export async function postForm<T>(path: string, form: FormData, opts: { silent?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken
  let res: Response
  try {
    res = await fetch(path, { method: 'POST', headers, body: form, credentials: 'same-origin' })
  } catch {
    const err = new ApiError(0, 'network', NETWORK_ERROR)
    if (!opts.silent) ElMessage.error({ message: err.message, grouping: true })
    throw err
  }
  const text = await res.text()
  if (!res.ok) {
    const err = toApiError(res.status, text)
    report(err, opts)
    throw err
  }
  return (text ? JSON.parse(text) : undefined) as T
}

function filenameFrom(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)
  return plain ? plain[1].trim() : fallback
}

/**
 * Downloads a file answer (export, template) and hands it to the browser as a download.
 * Fetching first (instead of following a link) lets an error show as a message instead of
 * replacing the page with JSON.
 */
export async function downloadFile(path: string, query: Query, fallbackName: string): Promise<string> {
  let res: Response
  try {
    res = await fetch(buildUrl(path, query), { credentials: 'same-origin' })
  } catch {
    ElMessage.error(NETWORK_ERROR)
    throw new ApiError(0, 'network', NETWORK_ERROR)
  }
  if (!res.ok) {
    const err = toApiError(res.status, await res.text())
    report(err, {})
    throw err
  }
  const blob = await res.blob()
  const name = filenameFrom(res.headers.get('Content-Disposition'), fallbackName)
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return name
}
