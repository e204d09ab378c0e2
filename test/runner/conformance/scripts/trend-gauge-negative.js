// k6 v2.2 metrics/sink.go: TrendSink.Add and GaugeSink.Add (v2.2.0 #6195) set min and max from the
// first sample, so series of negative values report a negative max.
import { Gauge, Trend } from 'k6/metrics';
const t = new Trend('negative_trend');
const g = new Gauge('negative_gauge');
export const options = {
  iterations: 1,
  thresholds: { negative_trend: ['max<0', 'min==-5'], negative_gauge: ['value==-4'] },
};
export default function () {
  for (const v of [-5, -3, -4]) {
    t.add(v);
    g.add(v);
  }
}
