/** Dates in the hospital's IANA time zone, formatted as the insurance interface expects. */
export function formatInTimeZone(
  date: Date,
  timeZone: string,
): { dateTime: string; compact: string; date: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const d = `${parts.year}-${parts.month}-${parts.day}`;
  const t = `${parts.hour}:${parts.minute}:${parts.second}`;
  return { dateTime: `${d} ${t}`, compact: (d + t).replace(/[-:]/g, ''), date: d };
}
