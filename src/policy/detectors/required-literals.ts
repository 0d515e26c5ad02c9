/**
 * The literal text a regular expression cannot match without: a list of clauses, each a set of strings, such
 * that every match contains at least one string of every clause. A text lacking all of a clause's strings
 * cannot hold a match, so the pattern need not run over it.
 *
 * The clauses are read from the pattern's own source rather than declared beside it: a hand-kept list drifts
 * when a pattern gains an alternative, and a drifted list silently drops matches. Whatever this reader does
 * not fully understand (case-insensitive flags, backreferences, negated or large classes) contributes no
 * clause, so an unknown construct can only make the filter weaker, never wrong.
 */

/** Clauses, all of which a match satisfies; an empty list means no requirement (always run). */
export type RequiredLiterals = readonly (readonly string[])[];

/** Exact string sets grow by cross product ("e-?mail" → email, e-mail); past this size they are cut into parts. */
const MAX_EXACT = 64;
/** Character classes up to this size are spelled out ([:：], [1-3]); larger ones are "any character". */
const MAX_CLASS = 16;

/** What is known about a piece of a pattern. */
interface Info {
  /** Every string the piece can match, when finitely and few (may contain ""); null otherwise. */
  exact: string[] | null;
  /** Clauses every match of the piece satisfies (strings never empty). */
  clauses: string[][];
}

const ANY: Info = { exact: null, clauses: [] };
const EMPTY: Info = { exact: [''], clauses: [] };

/** Flags that change what a literal matches ("i") or how the source is read ("u", "v") are not handled. */
const UNDERSTOOD_FLAGS = /^[gymsd]*$/;

export function requiredLiterals(re: RegExp): RequiredLiterals {
  if (!UNDERSTOOD_FLAGS.test(re.flags)) return [];
  try {
    const parser = new Parser(re.source);
    const info = parser.disjunction();
    if (!parser.done()) return [];
    return minimise(withExact(info).clauses);
  } catch {
    // Source this reader cannot follow: no requirement is always a safe answer.
    return [];
  }
}

/** A piece's clauses, plus its exact set as one more clause when that set is a usable requirement. */
function withExact(info: Info): Info {
  const own = info.exact && !info.exact.includes('') ? [info.exact] : [];
  return { exact: info.exact, clauses: [...own, ...info.clauses] };
}

class Parser {
  private i = 0;

  constructor(private readonly src: string) {}

  done(): boolean {
    return this.i >= this.src.length;
  }

  /** a|b|c: a match satisfies one alternative's requirement, so the clause is the union of one clause per alternative. */
  disjunction(): Info {
    const alternatives = [this.alternative()];
    while (this.peek() === '|') {
      this.i++;
      alternatives.push(this.alternative());
    }
    if (alternatives.length === 1) return alternatives[0]!;
    const exacts = alternatives.map((a) => a.exact);
    const exact = exacts.every((e) => e !== null) ? unique(exacts.flat() as string[]) : null;
    const picked = alternatives.map((a) => best(withExact(a).clauses));
    const clause = picked.every((c) => c !== null) ? unique(picked.flat() as string[]) : null;
    return { exact: exact && exact.length <= MAX_EXACT ? exact : null, clauses: clause ? [clause] : [] };
  }

  /** A sequence: every term's clauses hold, and runs of exact terms join into longer literals. */
  private alternative(): Info {
    const clauses: string[][] = [];
    let run: string[] | null = [''];
    let exact: string[] | null = [''];
    const closeRun = () => {
      if (run && !run.includes('')) clauses.push(run);
      run = [''];
    };
    while (!this.done() && this.peek() !== '|' && this.peek() !== ')') {
      const term = this.term();
      clauses.push(...term.clauses);
      exact = exact && term.exact ? product(exact, term.exact) : null;
      if (exact && exact.length > MAX_EXACT) exact = null;
      if (!term.exact) {
        closeRun();
        continue;
      }
      const joined = product(run, term.exact);
      if (joined.length <= MAX_EXACT) run = joined;
      else {
        closeRun();
        run = term.exact;
      }
    }
    closeRun();
    return { exact, clauses };
  }

  private term(): Info {
    const atom = this.atom();
    return this.quantified(atom);
  }

  private quantified(atom: Info): Info {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : Infinity;
    } else if (c === '{' && /^\{\d+(?:,\d*)?\}/.test(this.src.slice(this.i))) {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.i))!;
      this.i += m[0].length;
      min = Number(m[1]);
      max = m[2] ? (m[3] ? Number(m[3]) : Infinity) : min;
    } else return atom;
    if (this.peek() === '?') this.i++; // lazy: same strings, other order
    if (this.peek() === '*' || this.peek() === '+' || this.peek() === '?' || this.peek() === '{') throw new Error('nested quantifier');
    if (min === 0) return max === 1 && atom.exact ? { exact: unique(['', ...atom.exact]), clauses: [] } : ANY;
    // At least one copy is in every match, so the atom's requirement carries over.
    const clauses = withExact(atom).clauses;
    if (min === max && atom.exact) {
      let exact: string[] = [''];
      for (let k = 0; k < min && exact.length <= MAX_EXACT; k++) exact = product(exact, atom.exact);
      if (exact.length <= MAX_EXACT) return { exact, clauses: atom.clauses };
    }
    return { exact: null, clauses };
  }

  private atom(): Info {
    const c = this.next();
    switch (c) {
      case '^':
      case '$':
        return EMPTY;
      case '.':
        return ANY;
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
      case '{':
      case ')':
      case '|':
        throw new Error(`unexpected ${c}`);
      default:
        return { exact: [c], clauses: [] };
    }
  }

  /** Groups; lookarounds match no characters of their own, so they add nothing to the match's text. */
  private group(): Info {
    let lookaround = false;
    if (this.src.startsWith('?:', this.i)) this.i += 2;
    else if (this.src.startsWith('?=', this.i) || this.src.startsWith('?!', this.i)) {
      this.i += 2;
      lookaround = true;
    } else if (this.src.startsWith('?<=', this.i) || this.src.startsWith('?<!', this.i)) {
      this.i += 3;
      lookaround = true;
    } else if (this.src.startsWith('?<', this.i)) {
      const close = this.src.indexOf('>', this.i);
      if (close < 0) throw new Error('unterminated group name');
      this.i = close + 1;
    } else if (this.peek() === '?') throw new Error('unknown group');
    const inner = this.disjunction();
    if (this.next() !== ')') throw new Error('unterminated group');
    if (lookaround) {
      // A quantifier on a lookaround is legal outside unicode mode; consume it and still add nothing.
      this.quantified(EMPTY);
      return EMPTY;
    }
    return inner;
  }

  private escape(): Info {
    const c = this.next();
    if (c === 'b' || c === 'B') return EMPTY;
    if (c === 'd') return { exact: [...'0123456789'], clauses: [] };
    if ('DsSwW'.includes(c)) return ANY;
    const ch = this.escapedChar(c);
    return { exact: [ch], clauses: [] };
  }

  /** The character an escape stands for, outside or inside a class; throws for what is not one character. */
  private escapedChar(c: string): string {
    switch (c) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case '0':
        if (/[0-9]/.test(this.peek())) throw new Error('octal escape');
        return '\0';
      case 'x':
        return this.hex(2);
      case 'u':
        return this.hex(4);
      default:
        // Backreferences, \c, \k, \p and letters with meanings this reader does not model.
        if (/[0-9a-zA-Z]/.test(c) || c === '') throw new Error(`escape \\${c}`);
        return c;
    }
  }

  private hex(digits: number): string {
    const h = this.src.slice(this.i, this.i + digits);
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(h)) throw new Error('bad hex escape');
    this.i += digits;
    return String.fromCharCode(Number.parseInt(h, 16));
  }

  /** [abc], [a-z]: spelled out when small; negated or large classes are "any character". */
  private charClass(): Info {
    const negated = this.peek() === '^';
    if (negated) this.i++;
    const chars = new Set<string>();
    let unknown = negated;
    // Unlike POSIX, a leading "]" closes the class: "[]" matches nothing.
    while (this.peek() !== ']') {
      if (this.done()) throw new Error('unterminated class');
      let c = this.next();
      if (c === '\\') {
        const e = this.next();
        if (e === 'd') {
          for (const d of '0123456789') chars.add(d);
          continue;
        }
        if ('DsSwWb'.includes(e)) {
          unknown = true;
          continue;
        }
        c = this.escapedChar(e);
      }
      if (this.peek() === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++;
        let to = this.next();
        if (to === '\\') to = this.escapedChar(this.next());
        const from = c.charCodeAt(0);
        const end = to.charCodeAt(0);
        if (end < from) throw new Error('bad range');
        if (end - from >= MAX_CLASS) unknown = true;
        else for (let u = from; u <= end; u++) chars.add(String.fromCharCode(u));
        continue;
      }
      chars.add(c);
    }
    this.i++;
    if (unknown || chars.size > MAX_CLASS || chars.size === 0) return ANY;
    return { exact: [...chars], clauses: [] };
  }

  private peek(): string {
    return this.src[this.i] ?? '';
  }

  private next(): string {
    if (this.done()) throw new Error('unexpected end');
    return this.src[this.i++]!;
  }
}

function product(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  for (const x of a) for (const y of b) out.push(x + y);
  return unique(out);
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

/**
 * The clause least likely to be satisfied by chance: longest shortest string first (a text holds "a" far more
 * often than "review"), then fewest strings.
 */
function best(clauses: readonly string[][]): string[] | null {
  let pick: string[] | null = null;
  for (const c of clauses) if (!pick || rank(c) > rank(pick)) pick = c;
  return pick;
}

function rank(clause: readonly string[]): number {
  const shortest = Math.min(...clause.map((s) => s.length));
  return shortest * 1000 - clause.length;
}

/**
 * A string containing another of its clause is redundant (any text holding "e-mail" holds "mail"); clauses
 * implied by a stricter one are dropped as well, so that checking them stays cheap.
 */
function minimise(clauses: readonly string[][]): RequiredLiterals {
  const reduced = clauses.map((c) => unique(c).filter((s, _i, all) => !all.some((t) => t !== s && s.includes(t))));
  const out: string[][] = [];
  for (const c of reduced.sort((a, b) => a.length - b.length)) {
    // c is implied by an already kept clause k when every string of k contains some string of c.
    if (out.some((k) => k.every((s) => c.some((t) => s.includes(t))))) continue;
    out.push(c);
  }
  return out;
}
