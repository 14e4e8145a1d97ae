#include "dark_integrate.h"

#include <array>
#include <cmath>
#include <queue>
#include <stdexcept>
#include <vector>

namespace nubayes::dark {
namespace {

// 15-point Kronrod nodes/weights with the embedded 7-point Gauss weights (QUADPACK qk15).
constexpr std::array<double, 8> kNodes = {
    0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
    0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
    0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
    0.207784955007898467600689403773245, 0.000000000000000000000000000000000};
constexpr std::array<double, 8> kKronrod = {
    0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
    0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
    0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
constexpr std::array<double, 4> kGauss = {
    0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
    0.381830050505118944950369775488975, 0.417959183673469387755102040816327};

struct Piece {
  double a, b, value, error;
  bool operator<(const Piece& other) const { return error < other.error; }
};

Piece kronrod15(const std::function<double(double)>& f, double a, double b) {
  const double centre = 0.5 * (a + b), half = 0.5 * (b - a);
  const double f_centre = f(centre);
  double kronrod = kKronrod[7] * f_centre, gauss = kGauss[3] * f_centre;
  for (int i = 0; i < 7; ++i) {
    const double dx = half * kNodes[i];
    const double sum = f(centre - dx) + f(centre + dx);
    kronrod += kKronrod[i] * sum;
    if (i % 2 == 1) gauss += kGauss[i / 2] * sum;
  }
  return {a, b, kronrod * half, std::abs((kronrod - gauss) * half)};
}

} // namespace

double integrate(const std::function<double(double)>& f, double a, double b, double rel_tol,
                 double abs_tol, int max_intervals) {
  if (a == b) return 0.0;
  std::priority_queue<Piece> pieces;
  Piece first = kronrod15(f, a, b);
  double total = first.value, error = first.error;
  pieces.push(first);
  for (int n = 1; error > std::max(abs_tol, rel_tol * std::abs(total)); ++n) {
    if (n >= max_intervals) throw std::runtime_error("dark::integrate: no convergence");
    const Piece worst = pieces.top();
    pieces.pop();
    const double mid = 0.5 * (worst.a + worst.b);
    const Piece left = kronrod15(f, worst.a, mid), right = kronrod15(f, mid, worst.b);
    total += left.value + right.value - worst.value;
    error += left.error + right.error - worst.error;
    pieces.push(left);
    pieces.push(right);
  }
  return total;
}

} // namespace nubayes::dark
