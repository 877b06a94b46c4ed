/**
 * The message keys made from the kiosk's vocabularies. English must have a message for each, so
 * a word added to a vocabulary without its message fails typecheck.
 */
import type { KioskErrorCode } from '../../core/errors.ts';
import type {
  checkedDevices,
  checkFindings,
  checkStatuses,
  OutOfService,
  reconciliationVerdicts,
  SessionView,
} from '../../core/kiosk-api.ts';
import type {
  ChosenCashMethod,
  FaceHint,
  FamilyRefusalRule,
  FamilyRelation,
  LoadingSubject,
  NoticeKind,
  VisitType,
} from '../../core/vocabulary.ts';

/** Screens that say nothing as they open; every other screen has its `speech.` line. */
export const silentScreens = ['loading', 'bind-document', 'unbind-confirm'] as const;
export type SpokenScreen = Exclude<SessionView['screen'], (typeof silentScreens)[number]>;

/** Keys made from a vocabulary word: a new word without its message fails typecheck. */
export type VocabularyKey =
  | `identify.hint.${FaceHint}`
  | `loading.${LoadingSubject}`
  | `visit.${VisitType}`
  | `cash.${ChosenCashMethod}`
  | `family.relation.${FamilyRelation}`
  | `family.rule.${FamilyRefusalRule}`
  | `notice.${NoticeKind}`
  | `error.${KioskErrorCode}`
  | `speech.${SpokenScreen}`
  | `outOfService.reason.${OutOfService['reasons'][number]}`
  | `outOfService.stillWorks.${OutOfService['stillWorks'][number]}`
  | `admin.deviceName.${(typeof checkedDevices)[number]}`
  | `admin.deviceStatus.${(typeof checkStatuses)[number]}`
  | `admin.finding.${(typeof checkFindings)[number]}`
  | `admin.recon.verdict.${(typeof reconciliationVerdicts)[number]}`;
