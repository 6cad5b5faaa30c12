import { z } from 'zod';
import { ProblemSchema } from './api-schemas.js';
import type { Route } from './route.js';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that check requests and answers,
 * so the description and the behaviour cannot drift apart.
 */
export function openApiDocument(routes: readonly Route[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const template = route.path.replace(/\{([a-z_]+)\+\}/gi, '{$1}');
    const parameters: Record<string, unknown>[] = [];
    for (const match of route.path.matchAll(/\{([a-z_]+)\+?\}/gi)) {
      parameters.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
    }
    if (route.query !== undefined) {
      const query = jsonSchema(route.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({ name, in: 'query', required: (query.required ?? []).includes(name), schema });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [status, answer] of Object.entries(route.responses)) {
      const mediaType = answer.mediaType ?? (answer.schema === undefined ? undefined : 'application/json');
      responses[status] = {
        description: answer.description,
        // No content at all for answers without a body (204), so none is promised.
        ...(mediaType === undefined ? {} : { content: { [mediaType]: answer.schema === undefined ? {} : { schema: jsonSchema(answer.schema, 'output') } } }),
        ...(answer.links === undefined ? {} : { links: answer.links }),
      };
    }
    responses.default = { description: 'An error, as RFC 9457 problem details', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      ...(parameters.length === 0 ? {} : { parameters }),
      responses,
      security: route.scope === null ? [] : [{ apiKey: [] }, { session: [] }],
      ...(route.scope === null ? {} : { 'x-required-scope': route.scope }),
    };
    if (route.body !== undefined) {
      const content: Record<string, unknown> = { 'application/json': { schema: jsonSchema(route.body.schema, 'input') } };
      if (route.body.multipart !== undefined) {
        const files = Object.fromEntries(route.body.multipart.fileFields.map((field) => [field, { type: 'string', contentMediaType: 'application/octet-stream' }]));
        content['multipart/form-data'] = { schema: { type: 'object', properties: { settings: { type: 'string', description: 'the settings object as JSON text' }, ...files } } };
      }
      operation.requestBody = { required: true, content };
    }
    (paths[template] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hokusai',
      version,
      description: 'Submit contributions, watch runs, fetch and verify their evidence: does this contributed data make the model better, and by how much?',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: { Problem: jsonSchema(ProblemSchema, 'output') },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key made with `hokusai serve keys create`.' },
        session: { type: 'apiKey', in: 'cookie', name: 'hokusai_session', description: 'The dashboard session made by POST /session.' },
      },
    },
  };
}
