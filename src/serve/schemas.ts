/**
 * JSON schemas of the HTTP service: one source for request validation (Fastify/Ajv) and for the OpenAPI
 * document served at /openapi.json.
 */

const cell = { type: ['string', 'number', 'boolean', 'null'] } as const;

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  description: 'MLflow scoring-server error shape',
  properties: { error_code: { type: 'string', examples: ['BAD_REQUEST'] }, message: { type: 'string' } },
  required: ['error_code', 'message'],
} as const;

const reason = {
  type: 'object',
  properties: { code: { type: 'string', description: 'stable reason code: the input column' }, column: { type: 'string' }, value: { type: 'string' }, effect: { type: 'number' }, text: { type: 'string' } },
  required: ['code', 'column', 'text'],
} as const;

export const predictionSchema = {
  type: 'object',
  properties: {
    p_bad: { type: 'number', description: 'probability that the applicant is bad' },
    decision: { type: 'string', enum: ['approve', 'decline'] },
    score: { type: 'integer', description: 'scorecard points' },
    reasons: { type: 'array', items: reason, maxItems: 4 },
  },
  required: ['p_bad', 'decision', 'score', 'reasons'],
} as const;

export const invocationsBody = {
  description: 'exactly one of dataframe_split or dataframe_records (MLflow), or a text/csv body with a header',
  type: 'object',
  properties: {
    dataframe_split: {
      type: 'object',
      properties: { columns: { type: 'array', items: { type: 'string' } }, data: { type: 'array', items: { type: 'array', items: cell } }, index: { type: 'array' } },
      required: ['columns', 'data'],
    },
    dataframe_records: { type: 'array', items: { type: 'object', additionalProperties: cell } },
  },
} as const;

export const invocationsResponse = {
  type: 'object',
  properties: { predictions: { type: 'array', items: predictionSchema } },
  required: ['predictions'],
} as const;

export const scoreBody = {
  type: 'object',
  properties: { applicants: { type: 'array', items: { type: 'object', additionalProperties: cell } } },
  required: ['applicants'],
  additionalProperties: false,
} as const;

export const scoreResponse = {
  type: 'object',
  properties: {
    model: { type: 'object', properties: { version: { type: 'integer' }, family: { type: 'string' }, threshold: { type: 'number' } } },
    results: {
      type: 'array',
      items: { type: 'object', properties: { index: { type: 'integer' }, id: { type: ['string', 'null'] }, ...predictionSchema.properties }, required: ['index', 'p_bad', 'decision', 'score', 'reasons'] },
    },
    rejected: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, row: { type: 'integer', description: 'the row in messages: index + 2 (the header of the CSV form is row 1)' }, column: { type: 'string' }, reason: { type: 'string' } }, required: ['index', 'row', 'column', 'reason'] } },
  },
  required: ['model', 'results', 'rejected'],
} as const;

export const healthResponse = {
  type: 'object',
  properties: {
    status: { type: 'string' },
    model: {
      type: 'object',
      properties: { name: { type: 'string' }, version: { type: 'integer' }, alias: { type: ['string', 'null'] }, family: { type: 'string' }, threshold: { type: 'number' } },
    },
    store: {
      type: 'object',
      description: "'degraded' while the registry cannot be reached: the loaded model keeps answering, the alias is followed again when it returns",
      properties: {
        status: { type: 'string', enum: ['ok', 'degraded'] },
        backend: { type: 'string', enum: ['sqlite', 'postgresql'] },
        location: { type: 'string', description: 'a path, or host:port/database (never a password)' },
        message: { type: 'string' },
        since: { type: 'string', format: 'date-time' },
      },
    },
  },
  required: ['status'],
} as const;
