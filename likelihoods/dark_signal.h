#pragma once
// The MiniBooNE signal of a dark-sector parameter point from the templates: couplings enter
// analytically. At each of the four grid corners around the masses,
//   observable_b = C²_production × Σ_cells P_decay(βγ_cell · cτ) × counts[cell][b],
// with cτ from the widths at the actual parameters (dark-zd: closed-form Γ(N → νZ_D) and
// Γ(Z_D → ee), two-step P_decay; heavy-zprime: Γ(ν₄ → νee) = C²_decay × the tabulated width per
// unit coupling, interpolated geometrically), then the corners are combined Result: expected events
// per POT in every observable (ObservableLayout).
#include "dark_fiducial_table.h"
#include "dark_templates.h"

#include <array>
#include <span>
#include <vector>

namespace nubayes::darkfit {

/// Lifetimes of a parameter point [m]; mediator 0 for heavy-zprime.
struct Lifetimes {
  double ctau_heavy_m = 0, ctau_mediator_m = 0;
};

/// Lifetimes from the widths of models/ directly (heavy-zprime: a Dalitz integration, ~ms), for
/// points outside the template grid. The parameters must be physical.
Lifetimes direct_lifetimes(const dark::DarkModelParams& params);

class TemplateSignal {
public:
  explicit TemplateSignal(TemplateSet templates);

  const TemplateSet& templates() const { return set_; }
  std::size_t observables() const { return set_.layout.size(); }

  /// Lifetimes at `params`; false (and zeros) outside the mass grid.
  bool lifetimes(const dark::DarkModelParams& params, Lifetimes& out) const;
  /// Expected events per POT in each observable (size observables()); false outside the grid.
  bool predict(const dark::DarkModelParams& params, std::span<double> per_pot) const;
  /// The same for one grid point alone (no interpolation), for tests.
  void predict_at_point(std::size_t index, const dark::DarkModelParams& params,
                        std::span<double> per_pot) const;

private:
  /// Adds weight × C² Σ_cells P × counts of grid point `index` to `per_pot`.
  void add_point(std::size_t index, const Lifetimes& life, double weight,
                 std::span<double> per_pot) const;
  double heavy_width(const dark::DarkModelParams& params, const GridCell& cell) const;

  TemplateSet set_;
  miniboone::FiducialDecayTable fiducial_;
  mutable std::array<std::vector<double>, 4> corner_; ///< scratch: the corners' predictions
};

} // namespace nubayes::darkfit
