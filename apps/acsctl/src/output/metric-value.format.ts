const SI_PREFIXES = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/**
 * A metric's value for people: four significant digits (`-20.12`, `95`, `0.001234`), and from 10 000 on an SI prefix
 * with three (`12.3 MB/s`, `4.57k`), so a byte rate reads at a glance. `-o json` keeps the exact numbers.
 */
export function formatMetricValue(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return withUnit(String(value), '', unit);
  let scaled = value;
  let prefix = 0;
  if (Math.abs(value) >= 10_000) {
    while (Math.abs(scaled) >= 1000 && prefix < SI_PREFIXES.length - 1) {
      scaled /= 1000;
      prefix++;
    }
    // 999.96k rounds to 1000k at three digits: one prefix more reads better.
    if (Math.abs(Number(scaled.toPrecision(3))) >= 1000 && prefix < SI_PREFIXES.length - 1) {
      scaled /= 1000;
      prefix++;
    }
    return withUnit(String(Number(scaled.toPrecision(3))), SI_PREFIXES[prefix], unit);
  }
  return withUnit(String(Number(value.toPrecision(4))), '', unit);
}

function withUnit(number: string, prefix: string, unit: string): string {
  if (unit === '') return `${number}${prefix}`;
  if (unit === '%' && prefix === '') return `${number}%`;
  return `${number} ${prefix}${unit}`;
}
