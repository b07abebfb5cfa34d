//! Cross-field rules for creating a goal.

use super::{
    ActiveDays, Cadence, GoalDescription, GoalTitle, LogTitlePrompt, MetricType, TargetValue, Unit,
};

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
    /// A journal goal takes no target.
    #[error("target_value is not allowed for journal goals")]
    JournalTarget,
    /// Active days apply to daily goals only.
    #[error("active_days is only allowed for daily goals")]
    ActiveDaysNotDaily,
}

impl GoalSpecError {
    /// The request field the error is about.
    pub const fn field(self) -> &'static str {
        match self {
            GoalSpecError::ActiveDaysNotDaily => "active_days",
            _ => "target_value",
        }
    }
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
    active_days: Option<ActiveDays>,
    log_title_prompt: Option<LogTitlePrompt>,
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
            (MetricType::Journal, Some(_)) => return Err(GoalSpecError::JournalTarget),
            (MetricType::Binary | MetricType::Duration | MetricType::Journal, t) => t,
        };
        Ok(Self {
            title,
            description,
            cadence,
            metric,
            target,
            unit,
            active_days: None,
            log_title_prompt: None,
        })
    }

    /// Adds the active days (daily goals only) and the journal prompt.
    pub fn with_schedule(
        mut self,
        active_days: Option<ActiveDays>,
        log_title_prompt: Option<LogTitlePrompt>,
    ) -> Result<Self, GoalSpecError> {
        if active_days.is_some() && self.cadence != Cadence::Daily {
            return Err(GoalSpecError::ActiveDaysNotDaily);
        }
        self.active_days = active_days;
        self.log_title_prompt = log_title_prompt;
        Ok(self)
    }

    /// Active days (`None` = every day).
    pub fn active_days(&self) -> Option<ActiveDays> {
        self.active_days
    }

    /// Journal prompt, if any.
    pub fn log_title_prompt(&self) -> Option<&LogTitlePrompt> {
        self.log_title_prompt.as_ref()
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
    fn journal_takes_no_target() {
        assert_eq!(spec(MetricType::Journal, None).unwrap().target(), None);
        assert_eq!(
            spec(MetricType::Journal, target(1.0)),
            Err(GoalSpecError::JournalTarget)
        );
    }

    #[test]
    fn active_days_only_on_daily_goals() {
        let days = Some(ActiveDays::from_bits(62).unwrap());
        assert_eq!(
            spec(MetricType::Binary, None)
                .unwrap()
                .with_schedule(days, None),
            Err(GoalSpecError::ActiveDaysNotDaily)
        );
        assert_eq!(GoalSpecError::ActiveDaysNotDaily.field(), "active_days");
        let s = NewGoalSpec::new(
            title(),
            None,
            Cadence::Daily,
            MetricType::Journal,
            None,
            None,
        )
        .unwrap()
        .with_schedule(
            days,
            Some(LogTitlePrompt::parse("What did you read?").unwrap()),
        )
        .unwrap();
        assert_eq!(s.active_days(), days);
        assert_eq!(
            s.log_title_prompt().map(LogTitlePrompt::as_str),
            Some("What did you read?")
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
