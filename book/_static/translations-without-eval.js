// Sphinx's Documentation.addTranslations (doctools.js, Sphinx 7.4) makes the catalogue's plural
// rule into a function with `new Function`, which a strict Content-Security-Policy (no
// 'unsafe-eval') refuses: every page of a translated language threw an error. This replaces
// it, before translations.js calls it (_templates/layout.html loads it just before), with one
// that reads the rule (a C expression of n, as in gettext's Plural-Forms) without running
// code. Check it again when Sphinx is upgraded.
(function () {
  "use strict";
  // Binary operators by precedence, lowest first, as in C; comparisons give 1 or 0.
  const LEVELS = [["||"], ["&&"], ["==", "!="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "/", "%"]];
  const APPLY = {
    "||": (a, b) => (a || b ? 1 : 0), "&&": (a, b) => (a && b ? 1 : 0),
    "==": (a, b) => (a === b ? 1 : 0), "!=": (a, b) => (a !== b ? 1 : 0),
    "<": (a, b) => (a < b ? 1 : 0), "<=": (a, b) => (a <= b ? 1 : 0),
    ">": (a, b) => (a > b ? 1 : 0), ">=": (a, b) => (a >= b ? 1 : 0),
    "+": (a, b) => a + b, "-": (a, b) => a - b,
    "*": (a, b) => a * b, "/": (a, b) => Math.floor(a / b), "%": (a, b) => a % b,
  };

  const parse = (source) => {
    const tokens = source.match(/\d+|n|[=!<>]=|&&|\|\||\S/g) || [];
    let at = 0;
    const take = (expected) => {
      const token = tokens[at++];
      if (expected !== undefined && token !== expected)
        throw new SyntaxError(`plural rule ${source}: ${expected} expected`);
      return token;
    };
    const conditional = () => {
      const test = binary(0);
      if (tokens[at] !== "?") return test;
      take("?");
      const yes = conditional();
      take(":");
      const no = conditional();
      return (n) => (test(n) ? yes(n) : no(n));
    };
    const binary = (level) => {
      if (level === LEVELS.length) return operand();
      let left = binary(level + 1);
      while (LEVELS[level].includes(tokens[at])) {
        const apply = APPLY[take()], l = left, right = binary(level + 1);
        left = (n) => apply(l(n), right(n));
      }
      return left;
    };
    const operand = () => {
      const token = take();
      if (token === "n") return (n) => n;
      if (/^\d+$/.test(token)) return () => Number(token);
      if (token === "!") {
        const inner = operand();
        return (n) => (inner(n) ? 0 : 1);
      }
      if (token === "(") {
        const inner = conditional();
        take(")");
        return inner;
      }
      throw new SyntaxError(`plural rule ${source}: unexpected ${token}`);
    };
    const rule = conditional();
    if (at !== tokens.length) throw new SyntaxError(`plural rule ${source}: unexpected ${tokens[at]}`);
    return rule;
  };

  Documentation.addTranslations = (catalog) => {
    Object.assign(Documentation.TRANSLATIONS, catalog.messages);
    Documentation.PLURAL_EXPR = parse(String(catalog.plural_expr));
    Documentation.LOCALE = catalog.locale;
  };
})();
