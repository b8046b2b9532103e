import { Faults, QboFault } from '../qbo-fault';

/**
 * The QuickBooks query language subset (reference §4):
 *   SELECT * | COUNT(*) FROM <Entity>
 *     [WHERE <prop> <op> <value> [AND …]] [ORDERBY <prop> [ASC|DESC][, …]]
 *     [STARTPOSITION n] [MAXRESULTS n]
 * Operators = < > <= >= IN LIKE (and !=); values are 'quoted' (backslash escapes), numbers,
 * true/false, CURRENT_DATE, or (v1, v2) after IN. Keywords and names are case-insensitive.
 * OR, joins, projections and GROUP BY do not exist in QuickBooks and are parse errors (4000).
 */

export type Operator = '=' | '!=' | '<' | '>' | '<=' | '>=' | 'IN' | 'LIKE';

export type QueryValue =
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'current_date' };

export interface Condition {
  field: string;
  op: Operator;
  values: QueryValue[];
}

export interface OrderBy {
  field: string;
  descending: boolean;
}

export interface ParsedQuery {
  count: boolean;
  entity: string;
  conditions: Condition[];
  orderBy: OrderBy[];
  startPosition?: number;
  maxResults?: number;
}

type TokenType = 'IDENTIFIER' | 'STRING' | 'NUMBER' | 'PUNCT' | 'OPERATOR' | 'EOF' | 'ERROR';

interface Token {
  type: TokenType;
  image: string;
  /** Unescaped content for strings. */
  value: string;
  column: number;
  /** For ERROR tokens: the lexical error, raised only if the parser gets this far (JavaCC lexes lazily). */
  error?: QboFault;
}

const KEYWORDS = new Set([
  'select', 'from', 'where', 'and', 'or', 'orderby', 'order', 'by', 'asc', 'desc', 'startposition', 'maxresults',
  'in', 'like', 'count', 'true', 'false', 'iterator', 'not',
]);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const column = i + 1;
    if (/\s/.test(c)) {
      i += 1;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_.]/.test(text[j])) j += 1;
      const image = text.slice(i, j);
      tokens.push({ type: 'IDENTIFIER', image, value: image, column });
      i = j;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < text.length && /[0-9.]/.test(text[j])) j += 1;
      const image = text.slice(i, j);
      tokens.push({ type: 'NUMBER', image, value: image, column });
      i = j;
    } else if (c === "'") {
      let j = i + 1;
      let value = '';
      let closed = false;
      while (j < text.length) {
        const d = text[j];
        if (d === '\\' && j + 1 < text.length) {
          value += text[j + 1];
          j += 2;
        } else if (d === "'") {
          closed = true;
          j += 1;
          break;
        } else {
          value += d;
          j += 1;
        }
      }
      if (!closed) {
        const error = Faults.queryParse(`Lexical error at line 1, column ${text.length + 1}.  Encountered: <EOF> after : "${text.slice(i)}"`);
        tokens.push({ type: 'ERROR', image: text.slice(i), value: '', column, error });
        return tokens;
      }
      tokens.push({ type: 'STRING', image: text.slice(i, j), value, column });
      i = j;
    } else if ('*(),'.includes(c)) {
      tokens.push({ type: 'PUNCT', image: c, value: c, column });
      i += 1;
    } else if ('=<>!'.includes(c)) {
      const two = text.slice(i, i + 2);
      const image = ['<=', '>=', '!=', '<>'].includes(two) ? two : c;
      if (image === '!') {
        tokens.push({ type: 'ERROR', image: c, value: '', column, error: lexicalError(c, column) });
        return tokens;
      }
      tokens.push({ type: 'OPERATOR', image: image === '<>' ? '!=' : image, value: image, column });
      i += image.length;
    } else {
      tokens.push({ type: 'ERROR', image: c, value: '', column, error: lexicalError(c, column) });
      return tokens;
    }
  }
  tokens.push({ type: 'EOF', image: '', value: '', column: text.length + 1 });
  return tokens;
}

function lexicalError(c: string, column: number) {
  return Faults.queryParse(`Lexical error at line 1, column ${column}.  Encountered: "${c}" (${c.codePointAt(0)}), after : ""`);
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    const t = this.tokens[this.pos];
    if (t.error) throw t.error;
    return t;
  }

  private next(): Token {
    const t = this.peek();
    this.pos += 1;
    return t;
  }

  private isKeyword(word: string, token = this.peek()): boolean {
    return token.type === 'IDENTIFIER' && token.image.toLowerCase() === word;
  }

  private fail(expected: string[]): never {
    const t = this.peek();
    const kind = t.type === 'EOF' ? '<EOF>' : t.type === 'IDENTIFIER' && KEYWORDS.has(t.image.toLowerCase()) ? `"${t.image.toLowerCase()}"` : `<${t.type}>`;
    throw Faults.queryParse(
      `Encountered " ${kind} "${t.image} "" at line 1, column ${t.column}. Was expecting one of: ${expected.join(' ')}`,
    );
  }

  private expectKeyword(word: string): void {
    if (!this.isKeyword(word)) this.fail([`"${word}"`]);
    this.pos += 1;
  }

  private expectPunct(p: string): void {
    const t = this.peek();
    if (t.type !== 'PUNCT' || t.image !== p) this.fail([`"${p}"`]);
    this.pos += 1;
  }

  private identifier(): string {
    const t = this.peek();
    if (t.type !== 'IDENTIFIER' || KEYWORDS.has(t.image.toLowerCase())) this.fail(['<IDENTIFIER>']);
    this.pos += 1;
    return t.image;
  }

  private integer(): number {
    const t = this.peek();
    const raw = t.type === 'NUMBER' ? t.image : t.type === 'STRING' ? t.value : '';
    if (!/^\d{1,9}$/.test(raw)) this.fail(['<INTEGER>']);
    this.pos += 1;
    return Number(raw);
  }

  parse(): ParsedQuery {
    this.expectKeyword('select');
    let count = false;
    if (this.isKeyword('count')) {
      this.pos += 1;
      this.expectPunct('(');
      this.expectPunct('*');
      this.expectPunct(')');
      count = true;
    } else {
      this.expectPunct('*');
    }
    this.expectKeyword('from');
    const entity = this.identifier();
    const query: ParsedQuery = { count, entity, conditions: [], orderBy: [] };

    if (this.isKeyword('where')) {
      this.pos += 1;
      query.conditions.push(this.condition());
      while (this.isKeyword('and')) {
        this.pos += 1;
        query.conditions.push(this.condition());
      }
    }
    for (;;) {
      if (this.isKeyword('orderby') || this.isKeyword('order')) {
        if (this.next().image.toLowerCase() === 'order') this.expectKeyword('by');
        for (let first = true; first || (this.peek().type === 'PUNCT' && this.peek().image === ','); first = false) {
          if (!first) this.pos += 1; // the comma
          const field = this.identifier();
          let descending = false;
          if (this.isKeyword('asc') || this.isKeyword('desc')) descending = this.next().image.toLowerCase() === 'desc';
          query.orderBy.push({ field, descending });
        }
      } else if (this.isKeyword('startposition')) {
        this.pos += 1;
        query.startPosition = this.integer();
      } else if (this.isKeyword('maxresults')) {
        this.pos += 1;
        query.maxResults = this.integer();
      } else {
        break;
      }
    }
    if (this.peek().type !== 'EOF') {
      this.fail(['<EOF>', '<AND>', '"iterator"', '"maxresults"', '"order"', '"orderby"', '"startposition"']);
    }
    return query;
  }

  private condition(): Condition {
    const field = this.identifier();
    const t = this.peek();
    if (t.type === 'OPERATOR') {
      this.pos += 1;
      return { field, op: t.image as Operator, values: [this.value()] };
    }
    if (this.isKeyword('in')) {
      this.pos += 1;
      this.expectPunct('(');
      const values = [this.value()];
      while (this.peek().type === 'PUNCT' && this.peek().image === ',') {
        this.pos += 1;
        values.push(this.value());
      }
      this.expectPunct(')');
      return { field, op: 'IN', values };
    }
    if (this.isKeyword('like')) {
      this.pos += 1;
      const v = this.value();
      if (v.kind !== 'string') this.failAt(['<STRING>']);
      return { field, op: 'LIKE', values: [v] };
    }
    return this.fail(['"="', '"<"', '">"', '"<="', '">="', '"in"', '"like"']);
  }

  private failAt(expected: string[]): never {
    this.pos -= 1;
    return this.fail(expected);
  }

  private value(): QueryValue {
    const t = this.next();
    if (t.type === 'STRING') return { kind: 'string', text: t.value };
    if (t.type === 'NUMBER') return { kind: 'number', text: t.image };
    if (t.type === 'IDENTIFIER') {
      const lower = t.image.toLowerCase();
      if (lower === 'true' || lower === 'false') return { kind: 'boolean', value: lower === 'true' };
      if (lower === 'current_date') return { kind: 'current_date' };
    }
    return this.failAt(['<STRING>', '<NUMBER>', '"true"', '"false"']);
  }
}

/** Parses a statement. @throws QboFault 4000 with a QueryParserError detail */
export function parseQuery(text: string): ParsedQuery {
  return new Parser(tokenize(text)).parse();
}
