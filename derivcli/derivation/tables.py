"""Derivative tables of the named functions, each written in the argument u (textbook forms).

Each entry maps a sympy function class to (formula text, derivative of f at u). The forms are the
ones a teacher writes (sec²u, 1/(|u|·√(u²−1))); they hold on the real domain of the function,
which is where the cross-check compares them with sympy.diff.
"""

from sympy import (
    Abs, Chi, Ci, Ei, Li, LambertW, Shi, Si, acos, acosh, acot, acoth, acsc, acsch,
    airyai, airyaiprime, airybi, airybiprime, asec, asech, asin, asinh, atan, atanh, besseli,
    besselj, besselk, bessely, cos, cosh, cot, coth, csc, csch, digamma, elliptic_e, elliptic_f,
    elliptic_k, erf, erfc, erfcinv, erfi, erfinv, exp, expint, fresnelc, fresnels, gamma, jn, li,
    log, loggamma, lowergamma, pi, polygamma, polylog, sec, sech, sin, sinc, sinh, sqrt, tan,
    tanh, uppergamma, yn,
)

TRIG = {
    sin: ("(sin u)′ = cos u", lambda u: cos(u)),
    cos: ("(cos u)′ = −sin u", lambda u: -sin(u)),
    tan: ("(tan u)′ = sec²u", lambda u: sec(u) ** 2),
    cot: ("(cot u)′ = −csc²u", lambda u: -csc(u) ** 2),
    sec: ("(sec u)′ = sec u·tan u", lambda u: sec(u) * tan(u)),
    csc: ("(csc u)′ = −csc u·cot u", lambda u: -csc(u) * cot(u)),
}

INVERSE_TRIG = {
    asin: ("(asin u)′ = 1/√(1 − u²)", lambda u: 1 / sqrt(1 - u**2)),
    acos: ("(acos u)′ = −1/√(1 − u²)", lambda u: -1 / sqrt(1 - u**2)),
    atan: ("(atan u)′ = 1/(1 + u²)", lambda u: 1 / (1 + u**2)),
    acot: ("(acot u)′ = −1/(1 + u²)", lambda u: -1 / (1 + u**2)),
    asec: ("(asec u)′ = 1/(|u|·√(u² − 1))", lambda u: 1 / (Abs(u) * sqrt(u**2 - 1))),
    acsc: ("(acsc u)′ = −1/(|u|·√(u² − 1))", lambda u: -1 / (Abs(u) * sqrt(u**2 - 1))),
}

HYPERBOLIC = {
    sinh: ("(sinh u)′ = cosh u", lambda u: cosh(u)),
    cosh: ("(cosh u)′ = sinh u", lambda u: sinh(u)),
    tanh: ("(tanh u)′ = sech²u", lambda u: sech(u) ** 2),
    coth: ("(coth u)′ = −csch²u", lambda u: -csch(u) ** 2),
    sech: ("(sech u)′ = −sech u·tanh u", lambda u: -sech(u) * tanh(u)),
    csch: ("(csch u)′ = −csch u·coth u", lambda u: -csch(u) * coth(u)),
}

INVERSE_HYPERBOLIC = {
    asinh: ("(asinh u)′ = 1/√(u² + 1)", lambda u: 1 / sqrt(u**2 + 1)),
    acosh: ("(acosh u)′ = 1/√(u² − 1), u > 1", lambda u: 1 / sqrt(u**2 - 1)),
    atanh: ("(atanh u)′ = 1/(1 − u²), |u| < 1", lambda u: 1 / (1 - u**2)),
    acoth: ("(acoth u)′ = 1/(1 − u²), |u| > 1", lambda u: 1 / (1 - u**2)),
    asech: ("(asech u)′ = −1/(u·√(1 − u²))", lambda u: -1 / (u * sqrt(1 - u**2))),
    acsch: ("(acsch u)′ = −1/(|u|·√(1 + u²))", lambda u: -1 / (Abs(u) * sqrt(1 + u**2))),
}

FAMILIES = {
    "trig": ("trig", TRIG),
    "inverse_trig": ("inverse trig", INVERSE_TRIG),
    "hyperbolic": ("hyperbolic", HYPERBOLIC),
    "inverse_hyperbolic": ("inverse hyperbolic", INVERSE_HYPERBOLIC),
}


_ROOT_PI = sqrt(pi)
SPECIAL = {
    (erf, 1): ("(erf u)′ = 2·e^(−u²)/√π", lambda u: 2 * exp(-u**2) / _ROOT_PI),
    (erfc, 1): ("(erfc u)′ = −2·e^(−u²)/√π", lambda u: -2 * exp(-u**2) / _ROOT_PI),
    (erfi, 1): ("(erfi u)′ = 2·e^(u²)/√π", lambda u: 2 * exp(u**2) / _ROOT_PI),
    (erfinv, 1): ("(erfinv u)′ = (√π/2)·e^(erfinv(u)²)", lambda u: _ROOT_PI * exp(erfinv(u)**2) / 2),
    (erfcinv, 1): ("(erfcinv u)′ = −(√π/2)·e^(erfcinv(u)²)",
                   lambda u: -_ROOT_PI * exp(erfcinv(u)**2) / 2),
    (fresnels, 1): ("(S u)′ = sin(π·u²/2)", lambda u: sin(pi * u**2 / 2)),
    (fresnelc, 1): ("(C u)′ = cos(π·u²/2)", lambda u: cos(pi * u**2 / 2)),
    (sinc, 1): ("(sinc u)′ = cos(u)/u − sin(u)/u²", lambda u: cos(u) / u - sin(u) / u**2),
    (gamma, 1): ("Γ(u)′ = Γ(u)·ψ(u)", lambda u: gamma(u) * digamma(u)),
    (loggamma, 1): ("(log Γ(u))′ = ψ(u)", lambda u: digamma(u)),
    (polygamma, 2): ("ψ⁽ⁿ⁾(u)′ = ψ⁽ⁿ⁺¹⁾(u)", lambda n, u: polygamma(n + 1, u)),
    (lowergamma, 2): ("γ(s, u)′ = u^(s−1)·e^(−u)", lambda s, u: u**(s - 1) * exp(-u)),
    (uppergamma, 2): ("Γ(s, u)′ = −u^(s−1)·e^(−u)", lambda s, u: -u**(s - 1) * exp(-u)),
    (LambertW, 1): ("W(u)′ = 1/(u + e^W(u))", lambda u: 1 / (u + exp(LambertW(u)))),
    (Ei, 1): ("Ei(u)′ = eᵘ/u", lambda u: exp(u) / u),
    (Si, 1): ("Si(u)′ = sin(u)/u", lambda u: sin(u) / u),
    (Ci, 1): ("Ci(u)′ = cos(u)/u", lambda u: cos(u) / u),
    (Shi, 1): ("Shi(u)′ = sinh(u)/u", lambda u: sinh(u) / u),
    (Chi, 1): ("Chi(u)′ = cosh(u)/u", lambda u: cosh(u) / u),
    (li, 1): ("li(u)′ = 1/ln u", lambda u: 1 / log(u)),
    (Li, 1): ("Li(u)′ = 1/ln u", lambda u: 1 / log(u)),
    (expint, 2): ("E_ν(u)′ = −E_(ν−1)(u)", lambda nu, u: -expint(nu - 1, u)),
    (besselj, 2): ("J_ν(u)′ = (J_(ν−1)(u) − J_(ν+1)(u))/2",
                   lambda nu, u: (besselj(nu - 1, u) - besselj(nu + 1, u)) / 2),
    (bessely, 2): ("Y_ν(u)′ = (Y_(ν−1)(u) − Y_(ν+1)(u))/2",
                   lambda nu, u: (bessely(nu - 1, u) - bessely(nu + 1, u)) / 2),
    (besseli, 2): ("I_ν(u)′ = (I_(ν−1)(u) + I_(ν+1)(u))/2",
                   lambda nu, u: (besseli(nu - 1, u) + besseli(nu + 1, u)) / 2),
    (besselk, 2): ("K_ν(u)′ = −(K_(ν−1)(u) + K_(ν+1)(u))/2",
                   lambda nu, u: -(besselk(nu - 1, u) + besselk(nu + 1, u)) / 2),
    (jn, 2): ("j_n(u)′ = j_(n−1)(u) − (n + 1)·j_n(u)/u",
              lambda n, u: jn(n - 1, u) - (n + 1) * jn(n, u) / u),
    (yn, 2): ("y_n(u)′ = y_(n−1)(u) − (n + 1)·y_n(u)/u",
              lambda n, u: yn(n - 1, u) - (n + 1) * yn(n, u) / u),
    (airyai, 1): ("Ai(u)′ = Ai′(u)", lambda u: airyaiprime(u)),
    (airybi, 1): ("Bi(u)′ = Bi′(u)", lambda u: airybiprime(u)),
    (airyaiprime, 1): ("Ai′(u)′ = u·Ai(u)", lambda u: u * airyai(u)),
    (airybiprime, 1): ("Bi′(u)′ = u·Bi(u)", lambda u: u * airybi(u)),
    (polylog, 2): ("Li_s(u)′ = Li_(s−1)(u)/u", lambda s, u: polylog(s - 1, u) / u),
    (elliptic_k, 1): ("K(m)′ = (E(m) − (1 − m)·K(m))/(2·m·(1 − m))",
                      lambda m: (elliptic_e(m) - (1 - m) * elliptic_k(m)) / (2 * m * (1 - m))),
    (elliptic_e, 1): ("E(m)′ = (E(m) − K(m))/(2·m)",
                      lambda m: (elliptic_e(m) - elliptic_k(m)) / (2 * m)),
    (elliptic_f, 1): ("∂F(φ, m)/∂φ = 1/√(1 − m·sin²φ)",
                      lambda phi, m: 1 / sqrt(1 - m * sin(phi)**2)),
}
"""(function, argument number) -> (formula, derivative in that argument as a function of all the
arguments): the textbook derivatives of the special functions, used by the known_derivative rule; a
function or argument not listed here falls back to sympy's own fdiff, labelled as such."""
