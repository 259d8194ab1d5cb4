/**
 * The SLO rules' arithmetic: the burn-rate factors follow from the budget share each alert
 * stands for and the SLO window in use (the table in docs/slos-and-alerts.md).
 */
import { BURN_RATE_ALERTS, burnRateFactor, formatFactor } from '../../src/render/slo-rules';
import { LONGEST_BURN_RATE_WINDOW_HOURS } from '../../src/spec/defaults';

describe('burn-rate factors', () => {
  it.each([
    [7 * 24, ['3.36', '1.4', '0.7', '0.233']],
    [28 * 24, ['13.44', '5.6', '2.8', '0.933']],
    [30 * 24, ['14.4', '6', '3', '1']],
  ])('for a window of %d hours are those of the documented table', (hours, factors) => {
    expect(BURN_RATE_ALERTS.map((a) => formatFactor(burnRateFactor(a, hours)))).toEqual(factors);
  });

  it("page a 99.9 % SLO over 28 days at 1.4 % errors for an hour (2.08 % of the budget), which the workbook's 30-day 14.4× would not", () => {
    const page = burnRateFactor(BURN_RATE_ALERTS[0], 28 * 24) * 0.001;
    expect(0.014 > page && 0.014 < 14.4 * 0.001).toBe(true);
  });

  it('read at most the window the spec checks against Prometheus retention', () => {
    expect(Math.max(...BURN_RATE_ALERTS.map((a) => a.longHours))).toBe(LONGEST_BURN_RATE_WINDOW_HOURS);
  });
});
