/** Each refusal of the rulebook as the sentence a partner reads (the catalogue's own sentences). */
import { REFUSAL_CODES, type Refusal, type RefusalCode } from '../domain/license-request';
import { CATALOGUES } from '../i18n';
import { refusalSentence } from './refusals';

const en = CATALOGUES.en;
const refusal = (code: RefusalCode, overrides: Partial<Refusal> = {}): Refusal => ({
  code,
  action: 'answer',
  status: 'AWAITING_ASSIGNMENT',
  response: 'YES',
  ...overrides,
});

test('a second tab answering a request already answered reads the plain "already answered" sentence', () => {
  expect(refusalSentence(en, refusal('ALREADY_ANSWERED'))).toBe(
    'This request has already been answered (YES), perhaps in another tab or by a colleague. Your answer was not recorded.',
  );
});

test.each([
  ['WITHDRAWN', {}, 'The organisation has withdrawn this request. Nothing was changed.'],
  ['NOT_YET_ANSWERED', { action: 'assign' }, 'Answer YES to the request before you mark schools as assigned.'],
  ['SCHOOL_NOT_LICENSED', { action: 'assign' }, 'One of the schools was answered as holding no licenses'],
  ['UNKNOWN_SCHOOLS', {}, 'One of the schools is not part of this request.'],
  ['NO_SCHOOLS_NAMED', { action: 'assign' }, 'Choose at least one school. Nothing was changed.'],
  ['NO_WITH_SCHOOLS', {}, 'The form could not be used.'],
] as const)('%s', (code, overrides, sentence) => {
  expect(refusalSentence(en, refusal(code, overrides))).toContain(sentence);
});

test("a finished request names its status in the reader's language", () => {
  expect(refusalSentence(en, refusal('FINISHED', { action: 'assign', status: 'DECLINED', response: 'NO' }))).toBe(
    `This request is closed (${en.statuses.DECLINED}). Nothing was changed.`,
  );
});

test('every refusal has a sentence in both languages', () => {
  for (const t of Object.values(CATALOGUES)) {
    for (const code of REFUSAL_CODES) expect(refusalSentence(t, refusal(code)).length).toBeGreaterThan(10);
  }
});
