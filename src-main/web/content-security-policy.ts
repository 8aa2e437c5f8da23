/**
 * The renderer's CSP, the same in web mode and Electron: only our own scripts and
 * styles, no inline script, nothing remote. Mail bodies render in sandboxed
 * blob: frames with their own, stricter policy.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  'frame-src blob:',
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')
