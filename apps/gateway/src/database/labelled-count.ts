/** A count with its labels, as a GROUP BY gives it: what /metrics shows (labels are codes and node ids only). */
export interface LabelledCount {
  labels: Record<string, string>;
  n: string;
}
