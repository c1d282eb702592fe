/**
 * A small arithmetic evaluator for the `calculate` tool: a recursive-descent parser over numbers,
 * + - * / % ^ (right-associative), unary minus, parentheses, a few functions and constants. It
 * never evaluates code; anything else is a clear error the model can read.
 */
const FUNCTIONS: Record<string, (x: number) => number> = {
  sqrt: Math.sqrt,
  abs: Math.abs,
  round: Math.round,
  floor: Math.floor,
  ceil: Math.ceil,
  ln: Math.log,
  log10: Math.log10,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
};
const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

export class CalculationError extends Error {}

type Token =
  { kind: "number"; value: number } | { kind: "name"; value: string } | { kind: "op"; value: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i]!;
    if (/\s/.test(char)) {
      i++;
    } else if (/[0-9.]/.test(char)) {
      const match = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(input.slice(i));
      if (!match) throw new CalculationError(`Unexpected "${char}" at position ${i + 1}.`);
      tokens.push({ kind: "number", value: Number(match[0]) });
      i += match[0].length;
    } else if (/[a-z]/i.test(char)) {
      const match = /^[a-z][a-z0-9]*/i.exec(input.slice(i))!;
      tokens.push({ kind: "name", value: match[0].toLowerCase() });
      i += match[0].length;
    } else if ("+-*/%^(),".includes(char)) {
      tokens.push({ kind: "op", value: char });
      i++;
    } else {
      throw new CalculationError(`Unexpected "${char}" at position ${i + 1}.`);
    }
  }
  return tokens;
}

export function evaluate(expression: string): number {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = () => tokens[position];
  const take = (op: string) => {
    const token = peek();
    if (token?.kind === "op" && token.value === op) {
      position++;
      return true;
    }
    return false;
  };

  const primary = (): number => {
    const token = tokens[position++];
    if (!token) throw new CalculationError("The expression ends too early.");
    if (token.kind === "number") return token.value;
    if (token.kind === "op" && token.value === "(") {
      const value = sum();
      if (!take(")")) throw new CalculationError('A ")" is missing.');
      return value;
    }
    if (token.kind === "name") {
      if (token.value in CONSTANTS) return CONSTANTS[token.value]!;
      const fn = FUNCTIONS[token.value];
      if (!fn) throw new CalculationError(`Unknown name "${token.value}".`);
      if (!take("(")) throw new CalculationError(`"${token.value}" needs parentheses.`);
      const value = sum();
      if (!take(")")) throw new CalculationError('A ")" is missing.');
      return fn(value);
    }
    throw new CalculationError(`Unexpected "${token.value}".`);
  };
  const unary = (): number => (take("-") ? -unary() : take("+") ? unary() : power());
  const power = (): number => {
    const base = primary();
    return take("^") ? base ** unary() : base;
  };
  const product = (): number => {
    let value = unary();
    for (;;) {
      if (take("*")) value *= unary();
      else if (take("/")) value /= unary();
      else if (take("%")) value %= unary();
      else return value;
    }
  };
  const sum = (): number => {
    let value = product();
    for (;;) {
      if (take("+")) value += product();
      else if (take("-")) value -= product();
      else return value;
    }
  };

  const result = sum();
  if (position < tokens.length) throw new CalculationError(`Unexpected "${String(peek()!.value)}".`);
  if (!Number.isFinite(result)) throw new CalculationError("The result is not a finite number.");
  return result;
}
