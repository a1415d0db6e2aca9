/**
 * The rulebook's refusals (domain/license-request.ts) as sentences for the partner: what the
 * request's state is now and that nothing changed. One sentence per refusal code; the words are
 * the catalogue's (i18n/).
 */
import type { Refusal } from '../domain/license-request';
import type { Catalogue } from '../i18n';

export function refusalSentence(t: Catalogue, refusal: Refusal): string {
  switch (refusal.code) {
    case 'WITHDRAWN':
      return t.errors.withdrawn;
    case 'ALREADY_ANSWERED':
      return t.errors.alreadyAnswered(t.responses[refusal.response]);
    case 'NOT_YET_ANSWERED':
      return t.errors.notYetAnswered;
    case 'FINISHED':
      return t.errors.finished(t.statuses[refusal.status]);
    case 'SCHOOL_NOT_LICENSED':
      return t.errors.notLicensed;
    // Only a stale or forged form names a school twice: as for one the request does not have.
    case 'UNKNOWN_SCHOOLS':
    case 'SCHOOL_NAMED_TWICE':
      return t.errors.unknownSchool;
    case 'NO_SCHOOLS_NAMED':
      return refusal.action === 'assign' ? t.errors.chooseSchools : t.confirm.chooseSchool;
    // Support's exceptions (admin only): a partner's session never takes them.
    case 'WRONG_ROLE':
    case 'NOT_DECLINED':
    case 'REOPEN_WINDOW_CLOSED':
    case 'INVALID_DEADLINE':
      return t.signIn.sessionEnded;
    // Only a forged form names schools with NO.
    case 'NO_WITH_SCHOOLS':
      return t.errors.invalidForm;
  }
}
