/** The process works, as this node (the checks in terminus's format besides). */
export class Liveness {
  status!: 'ok';
  node!: string;
  info?: Record<string, unknown>;
  details?: Record<string, unknown>;
}
