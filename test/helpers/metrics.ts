/** One series' value in Prometheus text format (`name{labels}` exactly as exposed); `absent` when it is not there. */
export function metricValue(text: string, series: string, absent = NaN): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : absent;
}
