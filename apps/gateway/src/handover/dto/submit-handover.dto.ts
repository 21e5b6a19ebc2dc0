import { HandoverRequestBody, IsAddress } from '@trm/wire';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateNested } from 'class-validator';

/** POST /v1/handovers: who sends, to which contact point, and the coded body of section 7. */
export class SubmitHandoverDto {
  @IsAddress()
  sender!: string;

  @IsAddress()
  recipient!: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => HandoverRequestBody)
  body!: HandoverRequestBody;
}
