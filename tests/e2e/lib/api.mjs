// A small JSON client for preparing test data through the real API (cookie session + CSRF),
// so the browser scenarios do not depend on what the demo data happens to contain.
export class ApiClient {
  constructor(baseURL) {
    this.baseURL = baseURL
    this.cookie = ''
    this.csrf = ''
    this.me = null
  }

  async login(username, password) {
    const res = await this.request('POST', '/api/auth/login', { username, password })
    this.csrf = res.csrf_token || res.user?.csrf_token || ''
    this.me = res.user
    return this.me
  }

  /** Sends a request; resolves to the parsed JSON, rejects with {status, code, message} on an error. */
  async request(method, path, body, { raw = false } = {}) {
    const headers = { Accept: 'application/json' }
    if (this.cookie) headers.Cookie = this.cookie
    if (method !== 'GET' && this.csrf) headers['X-CSRF-Token'] = this.csrf
    let payload
    if (body instanceof FormData) payload = body
    else if (body !== undefined) {
      headers['Content-Type'] = 'application/json'
      payload = JSON.stringify(body)
    }
    const res = await fetch(this.baseURL + path, { method, headers, body: payload })
    const setCookie = res.headers.get('set-cookie')
    if (setCookie) this.cookie = setCookie.split(';')[0]
    if (raw) return res
    const text = await res.text()
    const json = text ? JSON.parse(text) : undefined
    if (!res.ok) {
      const err = new Error(`${method} ${path} → ${res.status} ${json?.error?.message ?? text}`)
      err.status = res.status
      err.code = json?.error?.code
      throw err
    }
    return json
  }

  get(path) {
    return this.request('GET', path)
  }

  post(path, body = {}) {
    return this.request('POST', path, body)
  }

  put(path, body = {}) {
    return this.request('PUT', path, body)
  }

  /** True when the server has the route (a 404 no_such_endpoint means the module is not wired). */
  async has(path) {
    try {
      await this.get(path)
      return true
    } catch (e) {
      return !(e.status === 404 && e.code === 'no_such_endpoint')
    }
  }
}
