import { Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Errors of message handlers go back to the transport as they are: it logs them through `safeError` and decides
 * about the delivery. Nest's own filter would log the error whole (a failed INSERT with its parameters) and hand the
 * transport "Internal server error" instead.
 */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
