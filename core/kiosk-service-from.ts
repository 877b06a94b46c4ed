/**
 * The host side of the contract: the KioskService every transport serves, made from the objects
 * that implement the kioskMethods (the session controller, admin mode, a few adapters) instead of
 * restating each method, as VS Code's ProxyChannel.fromService serves a service object. Each
 * contract name is picked from the one object that has it; a name no object has, or more than
 * one has, or one has with another signature, is a type error where the service is made.
 */
import { z } from 'zod';
import {
  kioskMethodNames,
  kioskMethods,
  type KioskEventName,
  type KioskEventPayload,
  type KioskMethodArgs,
  type KioskMethodName,
  type KioskMethodResult,
  type KioskMethods,
  type Unsubscribe,
} from './kiosk-api.ts';

/** What a transport serves: the methods plus a way to subscribe to events by name. */
export interface KioskService extends KioskMethods {
  subscribe<E extends KioskEventName>(
    event: E,
    listener: (payload: KioskEventPayload<E>) => void,
  ): Unsubscribe;
}

/**
 * How an object implements a contract method: the contract's arguments, and its result or a
 * promise of it. Written as function types (not methods) so parameters are checked strictly.
 */
export type KioskMethodImplementations = {
  [K in KioskMethodName]: (
    ...args: KioskMethodArgs<K>
  ) => KioskMethodResult<K> | Promise<KioskMethodResult<K>>;
};

/** Where each event comes from: each subscribes one listener and returns its unsubscribe. */
export type KioskEventSources = {
  [E in KioskEventName]: (listener: (payload: KioskEventPayload<E>) => void) => Unsubscribe;
};

/** The types of the member named K of each object in S that has one. */
type MembersNamed<S extends readonly object[], K extends PropertyKey> = S extends readonly [
  infer Head,
  ...infer Tail extends readonly object[],
]
  ? K extends keyof Head
    ? [Head[K], ...MembersNamed<Tail, K>]
    : MembersNamed<Tail, K>
  : [];

type Problem<S extends readonly object[], K extends KioskMethodName> =
  MembersNamed<S, K> extends [infer Member]
    ? [Member] extends [KioskMethodImplementations[K]]
      ? never
      : `${K} does not match the contract`
    : MembersNamed<S, K> extends []
      ? `${K} is implemented by none`
      : `${K} is implemented more than once`;

type ContractProblems<S extends readonly object[]> = {
  [K in KioskMethodName]: Problem<S, K>;
}[KioskMethodName];

/** Nothing more when every method is implemented once and right; otherwise what is wrong. */
type ImplementsContract<S extends readonly object[]> = [ContractProblems<S>] extends [never]
  ? unknown
  : { 'kiosk contract': ContractProblems<S> };

type AnyMethod = (...args: unknown[]) => unknown;

export function serviceFrom<const S extends readonly object[]>(
  implementations: S & ImplementsContract<S>,
  events: KioskEventSources,
): KioskService {
  const service: Record<string, unknown> = {
    subscribe: <E extends KioskEventName>(
      event: E,
      listener: (payload: KioskEventPayload<E>) => void,
    ): Unsubscribe => (events[event] as KioskEventSources[E])(listener),
  };
  for (const name of kioskMethodNames) {
    const holders = implementations.filter(
      (o) => typeof (o as Record<string, unknown>)[name] === 'function',
    );
    // The type check above already refuses this; a cast or an untyped caller could still get here.
    if (holders.length !== 1)
      throw new Error(`${name} is implemented by ${holders.length} objects, not one`);
    const holder = holders[0] as Record<string, AnyMethod>;
    const method = holder[name] as AnyMethod;
    // A command's promise resolves with nothing, whatever the implementation returns, as the
    // renderer's schema for it (z.void()) expects.
    const returnsNothing = kioskMethods[name].result instanceof z.ZodVoid;
    service[name] = async (...args: unknown[]) => {
      const result = await method.apply(holder, args);
      return returnsNothing ? undefined : result;
    };
  }
  return service as unknown as KioskService;
}
