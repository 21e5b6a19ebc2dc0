export { TcpProxy } from '../../apps/trmctl/src/local/tcp-proxy';
