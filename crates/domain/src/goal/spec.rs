//! Cross-field rules for creating a goal.

use super::{Cadence, GoalDescription, GoalTitle, MetricType, TargetValue, Unit};

/// Why a goal's fields do not fit together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GoalSpecError {
    /// A numeric goal needs `target_value`.
    #[error("target_value is required for numeric goals")]
    TargetRequired,
    /// A binary target counts completions per period, so it must be whole.
    #[error("target_value must be a whole number of completions for binary goals")]
    BinaryTargetNotWhole,
    /// A duration target counts seconds, so it must be whole.
    #[error("target_value must be a whole number of seconds for duration goals")]
    DurationTargetNotWhole,
}

/// A validated goal to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGoalSpec {
    title: GoalTitle,
    description: Option<GoalDescription>,
    cadence: Cadence,
    metric: MetricType,
    target: Option<TargetValue>,
    unit: Option<Unit>,
}

impl NewGoalSpec {
    /// Applies the rules: numeric requires a target; binary defaults to 1 completion per
    /// period and takes whole numbers; duration targets are whole seconds (optional).
    pub fn new(
        title: GoalTitle,
        description: Option<GoalDescription>,
        cadence: Cadence,
        metric: MetricType,
        target: Option<TargetValue>,
        unit: Option<Unit>,
    ) -> Result<Self, GoalSpecError> {
        let target = match (metric, target) {
            (MetricType::Numeric, None) => return Err(GoalSpecError::TargetRequired),
            (MetricType::Numeric, Some(t)) => Some(t),
            (MetricType::Binary, None) => Some(TargetValue::ONE),
            (MetricType::Binary, Some(t)) if !t.value().is_whole() => {
                return Err(GoalSpecError::BinaryTargetNotWhole);
            }
            (MetricType::Duration, Some(t)) if !t.value().is_whole() => {
                return Err(GoalSpecError::DurationTargetNotWhole);
            }
            (MetricType::Binary | MetricType::Duration, t) => t,
        };
        Ok(Self {
            title,
            description,
            cadence,
            metric,
            target,
            unit,
        })
    }

    /// Title.
    pub fn title(&self) -> &GoalTitle {
        &self.title
    }

    /// Description, if any.
    pub fn description(&self) -> Option<&GoalDescription> {
        self.description.as_ref()
    }

    /// Cadence.
    pub fn cadence(&self) -> Cadence {
        self.cadence
    }

    /// Metric type.
    pub fn metric(&self) -> MetricType {
        self.metric
    }

    /// Target to store (binary goals always have one).
    pub fn target(&self) -> Option<TargetValue> {
        self.target
    }

    /// Unit, if any.
    pub fn unit(&self) -> Option<&Unit> {
        self.unit.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decimal::Decimal2;

    fn title() -> GoalTitle {
        GoalTitle::parse("Run").unwrap()
    }

    fn target(v: f64) -> Option<TargetValue> {
        Some(TargetValue::try_from_f64(v).unwrap())
    }

    fn spec(metric: MetricType, t: Option<TargetValue>) -> Result<NewGoalSpec, GoalSpecError> {
        NewGoalSpec::new(title(), None, Cadence::Weekly, metric, t, None)
    }

    #[test]
    fn numeric_requires_target() {
        assert_eq!(
            spec(MetricType::Numeric, None),
            Err(GoalSpecError::TargetRequired)
        );
        let s = spec(MetricType::Numeric, target(12.5)).unwrap();
        assert_eq!(s.target().map(|t| t.value().hundredths()), Some(1250));
    }

    #[test]
    fn binary_defaults_to_one_and_must_be_whole() {
        let s = spec(MetricType::Binary, None).unwrap();
        assert_eq!(s.target().map(|t| t.value()), Some(Decimal2::ONE));
        let s = spec(MetricType::Binary, target(3.0)).unwrap();
        assert_eq!(s.target().map(|t| t.value().hundredths()), Some(300));
        assert_eq!(
            spec(MetricType::Binary, target(2.5)),
            Err(GoalSpecError::BinaryTargetNotWhole)
        );
    }

    #[test]
    fn duration_target_is_optional_whole_seconds() {
        assert_eq!(spec(MetricType::Duration, None).unwrap().target(), None);
        assert!(spec(MetricType::Duration, target(1800.0)).is_ok());
        assert_eq!(
            spec(MetricType::Duration, target(90.5)),
            Err(GoalSpecError::DurationTargetNotWhole)
        );
    }

    #[test]
    fn accessors() {
        let s = NewGoalSpec::new(
            title(),
            Some(GoalDescription::parse("Every morning").unwrap()),
            Cadence::Daily,
            MetricType::Numeric,
            target(5.0),
            Some(Unit::parse("km").unwrap()),
        )
        .unwrap();
        assert_eq!(s.title().as_str(), "Run");
        assert_eq!(
            s.description().map(GoalDescription::as_str),
            Some("Every morning")
        );
        assert_eq!(s.cadence(), Cadence::Daily);
        assert_eq!(s.metric(), MetricType::Numeric);
        assert_eq!(s.unit().map(Unit::as_str), Some("km"));
    }
}
