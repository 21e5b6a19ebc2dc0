/** The process serves HTTP, as this node. */
export class Liveness {
  status!: 'ok';
  node!: string;
}
