/**
 * The renderer's CSP, the same in web mode and Electron: only our own scripts and
 * styles, no inline script, no remote script, style, font or connection. Mail bodies
 * render in sandboxed about:srcdoc frames (no scripts) with their own, stricter policy.
 *
 * img-src allows http: and https: for one reason: a srcdoc frame inherits this policy
 * (CSP3 policy container), and a frame's own policy can only narrow it, so a message's
 * remote images could never load after the user chose "Load once" otherwise. The
 * reader strips every remote URL before a message is shown unless the user allowed
 * it, and its frame policy keeps images to data: until then. The app's own markup
 * never contains remote images, and scripts stay 'self' only.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: http: https:",
  "font-src 'self'",
  "connect-src 'self'",
  'frame-src blob:',
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')
