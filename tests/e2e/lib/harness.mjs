// Starts a real `fazhi` server on a fresh SQLite database and a headless Chromium for the
// browser tests, and stops both afterwards (always, even when a test fails).
//
// Environment:
//   FAZHI_BIN       path to the fazhi binary (required)
//   FAZHI_WEB_ROOT  the built web app (default <repo>/web/dist)
//   CHROMIUM_PATH   the browser (default /usr/bin/chromium; CHROMIUM_BIN is read too)
//   FAZHI_E2E_DEMO_TIMEOUT  seconds the demo data may take (default 180)
import { spawn, execFile } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = path.dirname(fileURLToPath(import.meta.url))
export const e2eDir = path.resolve(here, '..')
export const repoRoot = path.resolve(e2eDir, '../..')
export const screenshotDir = path.join(e2eDir, 'screenshots')

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

function run(bin, args, opts) {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { ...opts, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        err.message += `\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`
        reject(err)
      } else resolve({ stdout, stderr })
    })
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Polls fn until it returns a truthy value or the time is up. */
export async function eventually(fn, { timeout = 10000, interval = 150, message = '条件未满足' } = {}) {
  const deadline = Date.now() + timeout
  let last
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) throw new Error(`${message}${last ? `：${last.message}` : ''}`)
    await sleep(interval)
  }
}

export class Harness {
  constructor() {
    this.server = null
    this.browser = null
    this.tmp = null
    this.baseURL = ''
    this.logFile = ''
  }

  // serveArgs: extra options of `fazhi serve` (e.g. ['--map-tile-origin', 'http://pgis.local']).
  async start({ serveArgs = [] } = {}) {
    const bin = process.env.FAZHI_BIN
    if (!bin) throw new Error('请设置环境变量 FAZHI_BIN 为 fazhi 可执行文件的路径')
    if (!fs.existsSync(bin)) throw new Error(`FAZHI_BIN 指向的文件不存在：${bin}`)
    const webRoot = path.resolve(process.env.FAZHI_WEB_ROOT || path.join(repoRoot, 'web', 'dist'))
    if (!fs.existsSync(path.join(webRoot, 'index.html')))
      throw new Error(`找不到构建好的前端 ${webRoot}/index.html：请先在 web/ 运行 npm ci && npm run build`)

    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fazhi-e2e-'))
    const common = ['--db', `sqlite:${path.join(this.tmp, 'e2e.db')}`, '--key-file', path.join(this.tmp, 'fazhi.key')]
    // FAZHI_E2E_DEMO_TIMEOUT (seconds): a sanitizer build on a busy machine needs longer than 180 s.
    const demoTimeout = Number(process.env.FAZHI_E2E_DEMO_TIMEOUT || 180) * 1000
    await run(bin, [...common, 'demo'], { cwd: this.tmp, timeout: demoTimeout })

    const port = await freePort()
    this.baseURL = `http://127.0.0.1:${port}`
    this.logFile = path.join(this.tmp, 'serve.log')
    const log = fs.openSync(this.logFile, 'a')
    this.server = spawn(bin, [...common, 'serve', '--listen', `127.0.0.1:${port}`, '--web-root', webRoot, ...serveArgs], {
      cwd: this.tmp,
      stdio: ['ignore', log, log],
    })
    fs.closeSync(log)
    this.exited = new Promise((resolve) => this.server.once('exit', (code, signal) => resolve({ code, signal })))
    // Last resort if the runner dies without calling stop().
    this.killOnExit = () => this.server && this.server.exitCode === null && this.server.kill('SIGKILL')
    process.once('exit', this.killOnExit)

    await eventually(
      async () => {
        if (this.server.exitCode !== null) throw new Error(`fazhi serve 已退出（${this.server.exitCode}）\n${this.serverLog()}`)
        const res = await fetch(`${this.baseURL}/api/health`)
        return res.ok && (await res.json()).status === 'ok'
      },
      { timeout: 30_000, interval: 200, message: 'fazhi serve 未在 30 秒内就绪' },
    )

    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || process.env.CHROMIUM_BIN || '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    })
    fs.mkdirSync(screenshotDir, { recursive: true })
  }

  serverLog() {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-40).join('\n')
    } catch {
      return ''
    }
  }

  /** A fresh browser context (own cookies) with a page, in Chinese and Beijing time. */
  async newPage() {
    const context = await this.browser.newContext({
      baseURL: this.baseURL,
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      acceptDownloads: true,
    })
    context.setDefaultTimeout(15_000)
    const page = await context.newPage()
    page.on('pageerror', (err) => console.error(`[页面脚本错误] ${err.message}`))
    return page
  }

  async screenshot(page, name) {
    const file = path.join(screenshotDir, `${name}.png`)
    // Let Element Plus finish its enter transitions (tags, dialogs) so the picture is settled.
    await page.waitForTimeout(400)
    await page.screenshot({ path: file })
    return file
  }

  async stop() {
    if (this.browser) await this.browser.close().catch(() => undefined)
    if (this.server && this.server.exitCode === null) {
      this.server.kill('SIGTERM')
      const done = await Promise.race([this.exited, sleep(5000).then(() => null)])
      if (!done) {
        this.server.kill('SIGKILL')
        await this.exited
      }
    }
    if (this.killOnExit) process.removeListener('exit', this.killOnExit)
    if (this.tmp && !process.env.FAZHI_E2E_KEEP) fs.rmSync(this.tmp, { recursive: true, force: true })
    else if (this.tmp) console.log(`保留测试目录：${this.tmp}`)
  }
}

/** 18-digit 身份证号 with a valid check digit (GB 11643). */
export function idNumber(region, birth, seq) {
  const body = `${region}${birth}${seq}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...body].reduce((s, c, i) => s + Number(c) * w[i], 0)
  return body + '10X98765432'[sum % 11]
}
