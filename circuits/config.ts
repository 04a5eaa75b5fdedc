/**
 * A circuit instance: one template of a kind's circuit with its arguments (e.g. a kind's circuit for
 * 28–31 days and 4 brackets). Kinds declare their instances (kinds/<kind>/kind.ts); the kind registry
 * (kinds/registry.ts) lists them all.
 */
export interface CircuitConfig {
  id: string;
  /** the result kind this circuit proves (e.g. "bill") */
  kind: string;
  /** the .circom file holding the template, relative to the repository root */
  source: string;
  template: string;
  /** template arguments by name; every certified-readings circuit has maxDays and minDays */
  params: { maxDays: number; minDays: number } & Record<string, number>;
  /** the main component's public inputs, in the order the kind's public layout declares them */
  public: string[];
  /** the most constraints the compiled instance may have: compiling it over budget fails */
  budget?: number;
}
