import type { z } from 'zod'

/** Inputs larger than this (as JSON) are refused before validation. */
export const DEFAULT_MAX_INPUT_BYTES = 1024 * 1024

/** A request/response procedure: the router validates `input` before any service sees it. */
export interface ProcedureDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  kind: 'procedure'
  input: I
  output: O
  maxInputBytes: number
}

/** An event stream the caller subscribes to; `input` parameterises the subscription. */
export interface EventDef<I extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType> {
  kind: 'event'
  input: I
  payload: P
  maxInputBytes: number
}

export function procedure<I extends z.ZodType, O extends z.ZodType>(def: { input: I; output: O; maxInputBytes?: number }): ProcedureDef<I, O> {
  return { kind: 'procedure', input: def.input, output: def.output, maxInputBytes: def.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES }
}

export function event<I extends z.ZodType, P extends z.ZodType>(def: { input: I; payload: P; maxInputBytes?: number }): EventDef<I, P> {
  return { kind: 'event', input: def.input, payload: def.payload, maxInputBytes: def.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES }
}

export type ContractShape = Record<string, ProcedureDef | EventDef>
