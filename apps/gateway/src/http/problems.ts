import { BadRequestException } from '@nestjs/common';
import { Problem } from '@trm/wire';

/** HTTP 400 naming each bad field, in the same shape as the wire library's problems. */
export const invalidRequest = (problems: Problem[]): BadRequestException =>
  new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'The request has invalid fields.', problems });
