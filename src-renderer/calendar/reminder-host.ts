import { mount } from 'svelte'
import ReminderToasts from './ReminderToasts.svelte'

/**
 * Reminders show over whichever section is open, so their toasts live outside the calendar view:
 * mounted once on the document when the calendar module loads (App imports it at start).
 */
if (typeof document !== 'undefined' && !document.querySelector('[data-quire-reminders]')) {
  const host = document.createElement('div')
  host.dataset.quireReminders = ''
  document.body.append(host)
  mount(ReminderToasts, { target: host })
}
