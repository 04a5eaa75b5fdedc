/** Every failure the page can meet, as a sentence for the household (never a stack trace). */
import { ServiceError } from './api.js';
import type { Failure } from './protocol.js';

export interface Where {
  meterId: string;
  /** e.g. "1 Jan 2013 to 31 Jan 2013 (31 days)" */
  period?: string;
  /** the result kind being proved (default: the bill) */
  kind?: string;
}

const UNREACHABLE = 'The service cannot be reached. Check your connection or try again later; your readings stay on this device.';

/** A failure inside the worker: opening the readings or proving. */
export function failureSentence(f: Failure, w: Where): string {
  const of = `meter ${w.meterId}${w.period ? ` for ${w.period}` : ''}`;
  switch (f.code) {
    case 'wrong_key':
      return `This key does not open the readings of meter ${w.meterId}. Check the key printed on the meter or shown on its in-home display (after a change of tenant, only the new key opens new readings).`;
    case 'invalid_key':
      return `That is not a valid key: ${f.message.replace(/^invalid user key: /, '')}. Check it against the key printed on your meter.`;
    case 'authentication_failed':
      return `The readings of ${of} were altered after the meter encrypted them: they failed the authenticity check, so they are not shown and nothing was sent.`;
    case 'invalid_envelope':
      return `The encrypted readings of ${of} are damaged or in a format this page cannot read (${f.message}).`;
    case 'invalid_bundle':
      return `The readings of ${of} opened, but they are not a valid certified bundle (${f.message}).`;
    case 'unreachable':
      return UNREACHABLE;
    case 'download_failed':
      return `The proving files could not be downloaded (${f.message}). Try again later.`;
    case 'integrity':
      return `A proving file failed its integrity check and was not used (${f.message}). Reload the page and try again.`;
    case 'witness_failed':
      return `These readings cannot be proved: they do not match your meter's signatures, or the published documents do not fit them (${f.message}). Nothing was sent.`;
    case 'prove_failed':
      return `The proof could not be made on this device: ${f.message}`;
  }
}

/** A refusal or silence of the service, for each step that talks to it. */
export function serviceSentence(e: unknown, step: 'list' | 'envelope' | 'context' | 'submit', w: Where): string {
  const what = !w.kind || w.kind === 'bill' ? 'bill' : `${w.kind} result`;
  if (!(e instanceof ServiceError)) return `Something went wrong: ${e instanceof Error ? e.message : String(e)}`;
  if (e.code === 'unreachable') return UNREACHABLE;
  if (e.code === 'rate_limited') return 'The service is busy; try again in a few seconds.';
  if (e.status >= 500) return `The service had a problem (${e.message}). Try again later.`;
  if (e.status === 404 && step === 'list') return `Meter ${w.meterId} is not registered with this service. Check the meter id printed on your meter.`;
  if (e.status === 404 && step === 'envelope') return `There are no readings of meter ${w.meterId}${w.period ? ` for ${w.period}` : ''} on this service.`;
  if (step === 'context') {
    if (e.code === 'tariff_not_published') return `Your supplier has not published your tariff for ${w.period} yet, so the ${what} cannot be proved. Your readings are shown above.`;
    if (e.code === 'value_vector_missing') return `The grid has not published its value-of-energy prices for ${w.period} yet, so the ${what} cannot be proved. Your readings are shown above.`;
    if (e.code === 'parameters_not_published') return `Nothing needed for a ${what} is published for ${w.period} (${e.message}), so it cannot be proved. Your readings are shown above.`;
    if (e.code === 'challenge_missing') return `A ${what} answers a verifier's challenge, and none was issued for meter ${w.meterId} and ${w.period}. Your readings are shown above.`;
    if (e.code === 'unknown_circuit') return `This service does not certify a ${what} for a period like ${w.period}.`;
    return `The service cannot prepare the proof: ${e.message}`;
  }
  if (step === 'submit' && e.code === 'duplicate_statement') {
    return `A ${what} for meter ${w.meterId} and ${w.period} was already certified (result ${e.body?.existingId}); nothing new was sent, and the earlier result stands.`;
  }
  if (step === 'submit') return `The service did not accept the proof: ${e.message}`;
  return `The service refused the request: ${e.message}`;
}
