import { systemZone } from '../store/calendar/time-zones'

export type CalendarViewName = 'day' | 'workweek' | 'week' | 'month' | 'agenda'

/** How the user likes the calendar shown; kept on this device. */
export interface CalendarPrefs {
  view: CalendarViewName
  /** IANA zone the views are drawn in */
  zone: string
  /** 0 = Sunday … 6 = Saturday */
  weekStart: number
  /** working hours, "09:00" to "17:00", shaded outside */
  workStart: string
  workEnd: string
  /** working days, 0 = Sunday … 6 = Saturday ("next time everyone is free" looks only at these) */
  workDays: number[]
  /** new events get a reminder this many minutes before; null: none */
  defaultReminder: number | null
}

const KEY = 'quire.calendar.prefs'

export function defaultPrefs(): CalendarPrefs {
  return { view: 'week', zone: systemZone(), weekStart: defaultWeekStart(), workStart: '09:00', workEnd: '17:00', workDays: [1, 2, 3, 4, 5], defaultReminder: null }
}

/** The locale's first day of the week where the browser says (Intl.Locale weekInfo), else Monday. */
function defaultWeekStart(): number {
  try {
    const locale = new Intl.Locale(navigator.language) as Intl.Locale & { getWeekInfo?: () => { firstDay: number }; weekInfo?: { firstDay: number } }
    const info = locale.getWeekInfo?.() ?? locale.weekInfo
    if (info) return info.firstDay % 7
  } catch {
    // no Intl.Locale week data
  }
  return 1
}

export function loadPrefs(): CalendarPrefs {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<CalendarPrefs> | null
    return { ...defaultPrefs(), ...(stored ?? {}) }
  } catch {
    return defaultPrefs()
  }
}

export function savePrefs(prefs: CalendarPrefs): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(prefs))
  } catch {
    // storage full or off: the choice lasts for this session
  }
}
