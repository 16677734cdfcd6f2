"""From a parsed ``ast`` tree to a sympy expression, keeping what sympy's simplification loses.

The :class:`Builder` walks the tree node by node (numbers, whitelisted names, arithmetic, calls of
whitelisted functions) and builds sympy objects directly; nothing is evaluated from text. While
building it records the domain conditions of every part as written (see parsing.conditions) and the
names read as variables. Sizes are bounded here: real nesting, the number of parts, and the size
of exact numbers, however they are built.
"""

from __future__ import annotations

import ast
import math
import re
from fractions import Fraction

import sympy

from .conditions import NONZERO, Condition, call_conditions, constant_verdict, power_conditions
from derivcli.errors import NoAnswerError, ParseError
from .vocabulary import (
    CONSTANTS, DOMAIN_OF, FUNCTIONS, KNOWN_FUNCTIONS, MAX_DEPTH, MAX_DIGITS, MAX_EXPONENT_DIGITS,
    MAX_NODES, MAX_ORDER, MAX_RESULT_BITS, NAME, ORDERS, OTHERWISE_NAMES, PIECEWISE_NAMES,
    UNDEFINED_FUNCTION_NAMES,
)

_DECIMAL = re.compile(r"(?P<mantissa>\d+\.\d*|\.\d+|\d+)(?:[eE](?P<exponent>[+-]?\d+))?")


_CHAINS = ((ast.Add, ast.Sub), (ast.Mult, ast.Div))


def _continues_chain(parent: ast.AST, child: ast.AST) -> bool:
    """Whether ``child`` is the left operand of a flat chain ``a + b - c`` or ``a*b/c`` that
    ``parent`` continues: that is writing at one level, not nesting."""
    if not (isinstance(parent, ast.BinOp) and isinstance(child, ast.BinOp) and child is parent.left):
        return False
    return any(isinstance(parent.op, chain) and isinstance(child.op, chain) for chain in _CHAINS)


def check_size(tree: ast.AST, budget: int = MAX_NODES) -> int:
    """Reject trees with too many parts or too deep, without recursing; the parts left over.

    Depth is real nesting (parentheses, calls, powers, signs): a long sum or product written out
    flat is one level, however many terms it has. Size counts the values and operations."""
    count = 0
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, (ast.expr, ast.Expression)):
            continue  # operator, context and comparison tokens are part of their node
        count += 1
        if count > budget:
            raise ParseError(f"expression is too large (more than {MAX_NODES} parts)")
        if depth > MAX_DEPTH:
            raise ParseError(f"expression nests too deeply (more than {MAX_DEPTH} levels)")
        stack.extend((child, depth if _continues_chain(node, child) else depth + 1)
                     for child in ast.iter_child_nodes(node))
    return budget - count


def _chain(node: ast.BinOp, chain: tuple) -> tuple:
    """The leftmost operand of a flat chain and its (operation, operand) pairs, in reading order."""
    pairs = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, chain):
        pairs.append((node, node.right))
        node = node.left
    pairs.reverse()
    return node, pairs


class Builder:
    """Walk ``ast`` trees and build the sympy expressions they describe.

    Besides the expression it collects what sympy's simplification would lose: the domain
    conditions of the formula as written (``conditions``) and the names read (``symbols``).
    """

    def __init__(self, allow_undefined_functions: bool):
        self.allow_undefined_functions = allow_undefined_functions
        self.symbols: dict[str, sympy.Symbol] = {}
        self.conditions: list[Condition] = []
        self.seen: set = set()
        self.branches: list = []  # conditions of the piecewise branches being built
        self.source = b""

    def side(self, tree: ast.Expression, source: str) -> sympy.Expr:
        """The expression of one side of the formula, parsed from ``source``."""
        self.source = source.encode("utf-8")
        return self._expression(tree.body)

    def build(self, node: ast.AST):
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise ParseError(f"{_describe(node)} is not allowed in an expression")
        return method(node)

    def written(self, node: ast.AST) -> str:
        """The part of the formula ``node`` stands for, as written (spaces removed)."""
        segment = self.source[node.col_offset:node.end_col_offset].decode("utf-8", "replace")
        return segment.replace(" ", "")

    def require(self, conditions, node: ast.AST) -> None:
        """Record the domain conditions (requirement, quantity, phrase[, exponent]) of ``node``."""
        where = sympy.And(*self.branches) if self.branches else None
        for requirement, quantity, phrase, *exponent in conditions:
            exponent = exponent[0] if exponent else None
            if constant_verdict(requirement, quantity, exponent) is True:
                continue
            key = (requirement, quantity, exponent, where)
            if key not in self.seen:  # x/x + 1/x needs x ≠ 0 once, named by its first part
                self.seen.add(key)
                self.conditions.append(Condition(requirement, quantity, self.written(node), phrase,
                                                 exponent, where))

    def _Constant(self, node: ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParseError(f"{_describe(node)} is not allowed in an expression")
        if isinstance(value, int):
            if value.bit_length() > MAX_DIGITS * 3.33:
                raise ParseError(f"number is too large (more than {MAX_DIGITS} digits)")
            return sympy.Integer(value)
        return _decimal(self.written(node))

    def _Name(self, node: ast.Name):
        name = node.id
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS or name in PIECEWISE_NAMES:
            inverse = f" and {name}⁻¹(x) as a{name}(x)" if f"a{name}" in FUNCTIONS else ""
            raise ParseError(f"{name!r} is a function: call it as {name}(x)",
                             hint=f"{name}²(x) is written {name}(x)^2{inverse}")
        if name in OTHERWISE_NAMES:
            raise ParseError(f"{name!r} may only stand as the last condition of piecewise")
        if not NAME.fullmatch(name):
            raise ParseError(f"name {name!r} is not allowed")
        if name not in self.symbols:
            self.symbols[name] = sympy.Symbol(name, real=True)
        return self.symbols[name]

    def _UnaryOp(self, node: ast.UnaryOp):
        operand = self._expression(node.operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise ParseError(f"{_describe(node)} is not allowed in an expression")

    def _BinOp(self, node: ast.BinOp):
        if isinstance(node.op, _CHAINS[0]):
            return self._sum(node)
        if isinstance(node.op, _CHAINS[1]):
            return self._product(node)
        if not isinstance(node.op, ast.Pow):
            raise ParseError(f"the operator {_describe(node)} is not allowed")
        base = self._expression(node.left)
        exponent = self._expression(node.right)
        self.require(power_conditions(base, exponent), node)
        return _bounded(_power(base, exponent))

    def _sum(self, node: ast.BinOp):
        """A flat chain a + b − c …, built at once (a long polynomial is no deeper than a short one)."""
        first, pairs = _chain(node, _CHAINS[0])
        terms = [self._expression(first)]
        for operation, operand in pairs:
            term = self._expression(operand)
            terms.append(-term if isinstance(operation.op, ast.Sub) else term)
        _check_numbers(terms, lambda term: term)
        return _bounded(sympy.Add(*terms))

    def _product(self, node: ast.BinOp):
        """A flat chain a·b/c …; every divisor as written must not be 0."""
        first, pairs = _chain(node, _CHAINS[1])
        factors = [self._expression(first)]
        for operation, operand in pairs:
            factor = self._expression(operand)
            if isinstance(operation.op, ast.Div):
                if _zero_as_written(factor):
                    raise NoAnswerError("division by zero in the expression itself")
                self.require([(NONZERO, factor, "division by zero")], operation)
                factor = sympy.Pow(factor, -1)
            factors.append(factor)
        _check_numbers(factors, lambda factor: factor.as_coeff_Mul()[0])
        return _bounded(sympy.Mul(*factors))

    def _Call(self, node: ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ParseError("only named functions may be called, such as sin(x)")
        name = node.func.id
        if node.keywords or any(isinstance(argument, ast.Starred) for argument in node.args):
            raise ParseError(f"{name}() takes plain arguments only")
        if name in PIECEWISE_NAMES:
            return self._piecewise(node)
        arguments = [self._expression(argument) for argument in node.args]
        if name in FUNCTIONS:
            function, counts = FUNCTIONS[name]
            if len(arguments) not in counts:
                wanted = " or ".join(str(count) for count in sorted(counts))
                raise ParseError(f"{name}() takes {wanted} argument(s), not {len(arguments)}")
            _check_order(name, arguments)
            self.require(call_conditions(DOMAIN_OF.get(name, function), arguments), node)
            return _bounded(function(*arguments))
        if self.allow_undefined_functions and name in UNDEFINED_FUNCTION_NAMES and arguments:
            return sympy.Function(name)(*arguments)
        raise ParseError(
            f"unknown function {name!r}",
            hint=f"known functions: {KNOWN_FUNCTIONS}",
        )

    def _piecewise(self, node: ast.Call):
        """piecewise((expr, condition), …, (expr, otherwise)); a branch's domain conditions apply
        only where that branch is taken."""
        pieces, earlier = [], []
        for index, argument in enumerate(node.args):
            if not (isinstance(argument, ast.Tuple) and len(argument.elts) == 2):
                raise ParseError("piecewise takes pairs: piecewise((-x, x < 0), (x, otherwise))")
            condition = self._condition(argument.elts[1], last=index == len(node.args) - 1)
            self.branches.append(sympy.And(condition, *[sympy.Not(before) for before in earlier]))
            try:
                value = self._expression(argument.elts[0])
            finally:
                self.branches.pop()
            earlier.append(condition)
            pieces.append((value, condition))
        if not pieces:
            raise ParseError("piecewise needs at least one (expression, condition) pair")
        return sympy.Piecewise(*pieces)

    def _condition(self, node: ast.AST, last: bool):
        if isinstance(node, ast.Name) and node.id in OTHERWISE_NAMES:
            if not last:
                raise ParseError("'otherwise' may only be the last condition of piecewise")
            return sympy.true
        if isinstance(node, ast.Constant) and node.value is True and last:
            return sympy.true
        if not isinstance(node, ast.Compare):
            raise ParseError("a piecewise condition is a comparison such as x < 0")
        relations = {ast.Lt: sympy.Lt, ast.LtE: sympy.Le, ast.Gt: sympy.Gt, ast.GtE: sympy.Ge}
        terms = [self._expression(node.left)] + [self._expression(item) for item in node.comparators]
        parts = []
        for operator, left, right in zip(node.ops, terms, terms[1:]):
            relation = relations.get(type(operator))
            if relation is None:
                raise ParseError("piecewise conditions use < <= > >=")
            parts.append(relation(left, right))
        return sympy.And(*parts)

    def _expression(self, node: ast.AST) -> sympy.Expr:
        value = self.build(node)
        if not isinstance(value, sympy.Expr):
            raise ParseError("a comparison may only appear as a piecewise condition")
        return value

    def _Compare(self, node: ast.Compare):
        raise ParseError("a comparison may only appear as a piecewise condition")


def _check_order(name: str, arguments: list) -> None:
    """The order argument of polygamma, besselj, … is a number of bounded size (a whole number ≥ 0
    where the function needs one): sympy expands or computes with it."""
    if name not in ORDERS:
        return
    index, whole = ORDERS[name]
    order = arguments[index]
    if order.free_symbols or not order.is_extended_real:
        raise ParseError(f"the order of {name} (its argument {index + 1}) must be a real number")
    if whole and not (order.is_Integer and order >= 0):
        raise ParseError(f"the order of {name} (its argument {index + 1}) must be a whole number ≥ 0")
    if abs(order) > MAX_ORDER:
        raise ParseError(f"the order of {name} is too large (the limit is {MAX_ORDER})")


def _check_numbers(parts: list, coefficient) -> None:
    """Refuse a flat sum or product whose exact numbers together exceed MAX_RESULT_BITS twice over
    before sympy multiplies them out (10**4000*10**4000*…): a chain's result is no larger than
    the sum of its numbers' sizes."""
    bits = 0
    for part in parts:
        number = coefficient(part)
        if number.is_Rational:
            bits += abs(number.p).bit_length() + number.q.bit_length()
    if bits > 2 * MAX_RESULT_BITS:
        raise ParseError(f"a number in the expression is too large (more than {MAX_RESULT_BITS} bits)")


def _bounded(value: sympy.Expr) -> sympy.Expr:
    """Refuse exact numbers beyond MAX_RESULT_BITS, however they were built (products too)."""
    if value.is_Rational and max(abs(value.p).bit_length(), value.q.bit_length()) > MAX_RESULT_BITS:
        raise ParseError(f"a number in the expression is too large (more than {MAX_RESULT_BITS} bits)")
    return value


def _describe(node: ast.AST) -> str:
    names = {
        "Attribute": "attribute access (.)", "Subscript": "indexing ([])", "List": "a list",
        "Dict": "a dict", "Set": "a set", "Tuple": "a tuple", "Lambda": "lambda",
        "IfExp": "a conditional", "BoolOp": "and/or", "Mod": "%", "FloorDiv": "//",
        "BitXor": "^", "BitAnd": "&", "BitOr": "|", "MatMult": "@", "LShift": "<<",
        "RShift": ">>", "Not": "not", "Invert": "~", "JoinedStr": "a string", "Starred": "*args",
    }
    kind = type(node).__name__
    if kind == "Constant":
        return f"the literal {node.value!r:.40}"
    if isinstance(node, ast.BinOp):
        kind = type(node.op).__name__
    if isinstance(node, ast.UnaryOp):
        kind = type(node.op).__name__
    return names.get(kind, kind)


def _decimal(text: str) -> sympy.Rational:
    """A decimal literal as the exact rational it denotes (0.1 is 1/10), with bounded size."""
    match = _DECIMAL.fullmatch(text)
    if match is None:
        raise ParseError(f"cannot read the number {text!r}")
    exponent = match.group("exponent") or "0"
    if len(exponent.lstrip("+-")) > MAX_EXPONENT_DIGITS or abs(int(exponent)) > 1000:
        raise ParseError(f"number {text!r} is out of range (exponent beyond ±1000)")
    if len(match.group("mantissa")) > MAX_DIGITS:
        raise ParseError(f"number is too long (more than {MAX_DIGITS} digits)")
    value = Fraction(match.group("mantissa")) * Fraction(10) ** int(exponent)
    return sympy.Rational(value.numerator, value.denominator)


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """base**exponent, refusing numbers too large to compute (2**10**10)."""
    if base.is_Number and exponent.is_Number and exponent.is_Rational:
        magnitude = abs(base)
        if magnitude not in (0, 1) and magnitude.is_finite:
            bits = abs(float(exponent)) * abs(math.log2(float(magnitude)))
            if bits > MAX_RESULT_BITS:
                raise ParseError(
                    f"the number ({_short_number(base)})**({_short_number(exponent)}) is too large to compute",
                    hint=f"powers of numbers are limited to about {MAX_RESULT_BITS} bits",
                )
    if exponent.is_negative and base.is_zero:  # the exponent first: it is asked more cheaply
        raise NoAnswerError("division by zero in the expression itself (0 to a negative power)")
    return sympy.Pow(base, exponent)


def _zero_as_written(divisor: sympy.Expr) -> bool:
    """Whether a divisor is 0 as written (1/(x - x), 1/(2 - 2), 1/sin(0)). A sum of variables is
    not put to sympy's assumptions: proving x⁴ + 7 nonzero cost a fifth of parsing a line, and a
    sum they could show to be 0 is already written as 0. Where such a sum is 0 is left to the
    domain's condition that the divisor is not."""
    if divisor.is_Add and divisor.free_symbols:
        return False
    return bool(divisor.is_zero)


def _short_number(number: sympy.Expr) -> str:
    if number.is_Integer and abs(number.p).bit_length() > 64:
        return f"a {len(str(abs(number.p)))}-digit number" if abs(number.p).bit_length() < 13_000 else "a huge number"
    return sympy.sstr(number)
