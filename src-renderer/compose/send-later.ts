/** Times "send later" offers, computed from `now` in the user's time zone. */
export function sendLaterPresets(now: Date): { label: string; at: Date }[] {
  const at = (days: number, hour: number) => {
    const date = new Date(now)
    date.setDate(date.getDate() + days)
    date.setHours(hour, 0, 0, 0)
    return date
  }
  const inAnHour = new Date(now.getTime() + 60 * 60_000)
  inAnHour.setSeconds(0, 0)
  const untilMonday = (8 - now.getDay()) % 7 || 7
  const presets = [
    { label: 'In an hour', at: inAnHour },
    ...(now.getHours() < 17 ? [{ label: 'This evening', at: at(0, 18) }] : []),
    { label: 'Tomorrow morning', at: at(1, 8) },
    { label: 'Tomorrow afternoon', at: at(1, 13) },
    ...(untilMonday > 1 ? [{ label: 'Monday morning', at: at(untilMonday, 8) }] : []),
  ]
  return presets
}

/** The value a datetime-local input shows for `date` (local time, minutes). */
export function localInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}
