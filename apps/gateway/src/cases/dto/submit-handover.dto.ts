import { HandoverRequestBody, IsAddress, SealedPersonalData } from '@trm/wire';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsOptional, ValidateNested } from 'class-validator';

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

  /**
   * The few personal details a return cannot go without (name, date of birth, travel document). They travel only as
   * JWE to the receiving node and are kept here encrypted to this node's own key; the consent scope must include
   * "share-sealed".
   */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SealedPersonalData)
  sealed?: SealedPersonalData;
}
