import cluster from "node:cluster";
import { randomUUID } from "node:crypto";

/**
 * Metrics across the app processes of one server: the app process that answers /metrics asks the
 * primary (server/cluster.ts), which gathers every process's registry with prom-client's
 * AggregatorRegistry. Outside a cluster (npm run dev, tests) there is no primary: null.
 */
export const CLUSTER_METRICS = "eipp:cluster-metrics";
export interface ClusterMetricsRequest {
  type: typeof CLUSTER_METRICS;
  id: string;
}
export interface ClusterMetricsReply {
  type: typeof CLUSTER_METRICS;
  id: string;
  text?: string;
  contentType?: string;
  error?: string;
}

/** Whether this process is an app process of `npm start`'s cluster (a primary to ask). */
export const inCluster = () => cluster.isWorker && Boolean(process.send);

export function clusterMetrics(timeoutMs = 8_000): Promise<{ text: string; contentType: string }> | null {
  if (!inCluster()) return null;
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off("message", onMessage);
      reject(new Error("the primary did not answer"));
    }, timeoutMs);
    const onMessage = (message: ClusterMetricsReply) => {
      if (message?.type !== CLUSTER_METRICS || message.id !== id) return;
      clearTimeout(timer);
      process.off("message", onMessage);
      if (message.text !== undefined) resolve({ text: message.text, contentType: message.contentType ?? "text/plain" });
      else reject(new Error(message.error ?? "no metrics"));
    };
    process.on("message", onMessage);
    process.send!({ type: CLUSTER_METRICS, id } satisfies ClusterMetricsRequest);
  });
}
