import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** The OpenAPI document of a node's REST API: what /openapi.json serves and `trmctl openapi` writes at build time. */
export function openApiDocument(app: INestApplication, node: string): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`TRM Gateway — node ${node}`)
      .setDescription('REST API of one national node. Message bodies follow TRM-AMQP/1; see docs/asyncapi.yaml.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "a token of the organisation's identity provider" })
      .build(),
  );
  // A timeline entry names its common keys; each kind of event may add its own.
  const entry = document.components?.schemas?.TimelineEntryView;
  if (entry && !('$ref' in entry)) entry.additionalProperties = true;
  return document;
}
