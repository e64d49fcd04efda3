import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { api, type Stats, type Status } from "./api.js";
import { ErrorNote, useLoad } from "./load.js";
import { href, type Route } from "./route.js";

const RANGES = [
  { id: "24h", label: "Last 24 hours", hours: 24 },
  { id: "7d", label: "Last 7 days", hours: 24 * 7 },
  { id: "30d", label: "Last 30 days", hours: 24 * 30 },
  { id: "90d", label: "Last 90 days", hours: 24 * 90 },
] as const;

/** A colour per status, dark enough to read on white; statuses outside it cycle through the palette. */
const COLOURS: Partial<Record<Status, string>> = {
  delivered: "#1a7f37",
  opened: "#0969da",
  clicked: "#8250df",
  bounced: "#cf222e",
  blocked: "#a40e26",
  dropped: "#bc4c00",
  deferred: "#9a6700",
  spam: "#6e7781",
  sent: "#0550ae",
  queued: "#57606a",
};
const PALETTE = ["#1b7c83", "#953800", "#6639ba", "#116329", "#82071e", "#0a3069"];

/** Counts per status per hour (per day past a week), from the receiver's hourly roll-up. */
export function StatusPage({ env, route, onExpired }: { env: string; route: Route; onExpired: () => void }) {
  const range = RANGES.find((r) => r.id === route.params.get("range")) ?? RANGES[0];
  const integration = route.params.get("integration") ?? undefined;
  const integrations = useLoad(`integrations:${env}`, () => api.integrations(env), onExpired);
  const stats = useLoad(
    `stats:${env}:${range.id}:${integration ?? ""}`,
    () => {
      const until = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
      const since = new Date(until.getTime() - range.hours * 3_600_000);
      return api.stats(env, { since: since.toISOString(), until: until.toISOString(), integration, bucket: range.hours > 24 * 7 ? "day" : "hour" });
    },
    onExpired,
  );
  const go = (changes: Record<string, string | undefined>) => {
    location.hash = href("status", [], { range: range.id, integration, ...changes });
  };
  return (
    <section aria-labelledby="status-title">
      <h1 id="status-title">Status over time</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Chart range">
        <div>
          <label for="s-range">Range</label>
          <select id="s-range" value={range.id} onChange={(e) => go({ range: e.currentTarget.value })}>
            {RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="s-integration">Integration</label>
          <select id="s-integration" value={integration ?? ""} onChange={(e) => go({ integration: e.currentTarget.value || undefined })}>
            <option value="">All</option>
            {integrations.data?.data.map((i) => (
              <option key={i.id} value={i.id}>
                {i.id}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorNote error={stats.error} />
      {stats.data === undefined ? null : <Chart stats={stats.data} />}
      {stats.data === undefined ? null : <Totals stats={stats.data} />}
    </section>
  );
}

function seriesOf(stats: Stats): { times: number[]; statuses: Status[]; counts: Map<Status, number[]> } {
  const step = stats.bucket === "day" ? 86_400_000 : 3_600_000;
  const start = Math.floor(Date.parse(stats.since) / step) * step;
  const end = Date.parse(stats.until);
  const times: number[] = [];
  for (let at = start; at < end; at += step) times.push(at / 1000);
  const statuses = [...new Set(stats.data.map((row) => row.status))].sort();
  const counts = new Map(statuses.map((status) => [status, times.map(() => 0)]));
  for (const row of stats.data) {
    const index = Math.round((Date.parse(row.at) - start) / step);
    const series = counts.get(row.status)!;
    if (index >= 0 && index < series.length) series[index] = (series[index] ?? 0) + row.count;
  }
  return { times, statuses, counts };
}

function Chart({ stats }: { stats: Stats }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const { times, statuses, counts } = seriesOf(stats);
    const width = () => Math.max(280, element.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 320,
        scales: { x: { time: true } },
        axes: [{}, { label: "events" }],
        series: [
          {},
          ...statuses.map((status, i) => ({
            label: status,
            stroke: COLOURS[status] ?? PALETTE[i % PALETTE.length],
            width: 2,
            points: { show: times.length <= 48 },
          })),
        ],
      },
      [times, ...statuses.map((status) => counts.get(status)!)],
      element,
    );
    const resize = () => plot.setSize({ width: width(), height: 320 });
    addEventListener("resize", resize);
    return () => {
      removeEventListener("resize", resize);
      plot.destroy();
    };
  }, [stats]);
  return <div class="chart" ref={box} role="img" aria-label={`Events per status per ${stats.bucket}; the totals follow as a table`} />;
}

/** The chart's numbers as a table, for screen readers and for reading exact counts. */
function Totals({ stats }: { stats: Stats }) {
  const totals = new Map<Status, number>();
  for (const row of stats.data) totals.set(row.status, (totals.get(row.status) ?? 0) + row.count);
  if (totals.size === 0) return <p>No events in this range.</p>;
  return (
    <table class="totals">
      <caption>Totals per status, {stats.since.slice(0, 16).replace("T", " ")} to {stats.until.slice(0, 16).replace("T", " ")} UTC</caption>
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Events</th>
        </tr>
      </thead>
      <tbody>
        {[...totals].sort((a, b) => b[1] - a[1]).map(([status, count]) => (
          <tr key={status}>
            <th scope="row">
              <span class={`status ${status}`}>{status}</span>
            </th>
            <td class="num">{count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
