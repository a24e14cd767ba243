/**
 * The feature dictionary: every column of the employee mart with its type, unit and
 * definition. Written beside the mart, used as the mart's schema in the catalog and
 * for labels in reasons and charts.
 */
import type { ColumnType } from '../catalog';

export interface FeatureDef {
  name: string;
  type: ColumnType;
  /** Allowed values of an enum column. */
  values?: readonly string[];
  unit: string;
  definition: string;
  /**
   * How models see it before standardising: `log` = log1p, for long-tailed counts and volumes; `logshare` =
   * ln(share + 0.01), for shares whose small values matter (0.2% against 3% of calls out of hours).
   */
  scale?: 'log' | 'logshare';
  /** Short phrase for a value in an offer's reason, e.g. "roams abroad on {v} days". */
  phrase?: string;
}

export const FEATURES: FeatureDef[] = [
  { name: 'line_id', type: 'text', unit: 'id', definition: 'The enterprise line (subscription)' },
  { name: 'account_id', type: 'text', unit: 'id', definition: 'The enterprise account the line belongs to' },
  { name: 'plan_id', type: 'text', unit: 'code', definition: 'Tariff plan of the line' },
  { name: 'payment_type', type: 'enum', values: ['postpaid', 'prepaid'], unit: 'category', definition: 'postpaid or prepaid' },
  { name: 'monthly_fee', type: 'number', unit: 'currency/month', definition: 'Recurring charge of the plan' },
  { name: 'handset_tier', type: 'enum', values: ['low', 'mid', 'high', 'unknown'], unit: 'category', definition: 'Device price class (unknown when not given)' },
  { name: 'device_type', type: 'enum', values: ['smartphone', 'feature', 'tablet', 'router', 'unknown'], unit: 'category', definition: 'Device kind (unknown when not given)' },
  { name: 'status', type: 'enum', values: ['active', 'suspended', 'closed'], unit: 'category', definition: 'Line status (active when not given)' },
  { name: 'observed_days', type: 'integer', unit: 'days', definition: 'Length of the observation window: first to last event date of the pilot (or mart.window_*)' },
  { name: 'presence_days', type: 'integer', unit: 'days', definition: 'Days of the window the line existed: from its activation_date when it falls inside the window, else observed_days' },
  { name: 'new_line', type: 'integer', unit: '0/1', definition: '1 when the line was activated inside the window' },
  { name: 'line_age_years', type: 'number', unit: 'years', definition: 'Years from activation_date to the end of the window (0 when not given)', phrase: 'has been active for {v} years' },
  { name: 'activation_date', type: 'date', unit: 'date', definition: 'The day the line was activated (empty when not given): before it, the line could not take a product up' },
  { name: 'event_count', type: 'integer', unit: 'events', definition: 'All usage records of the line in the window' },
  { name: 'voice_count', type: 'integer', unit: 'calls', definition: 'Voice calls made or received' },
  { name: 'voice_out_count', type: 'integer', unit: 'calls', definition: 'Voice calls made' },
  { name: 'voice_in_count', type: 'integer', unit: 'calls', definition: 'Voice calls received' },
  { name: 'sms_count', scale: 'log', type: 'integer', unit: 'messages', definition: 'SMS sent or received', phrase: 'exchanges {v} SMS' },
  { name: 'data_sessions', type: 'integer', unit: 'sessions', definition: 'Data sessions (records of service data)' },
  { name: 'voice_minutes', scale: 'log', type: 'number', unit: 'minutes', definition: 'Minutes of voice calls made or received', phrase: 'talks {v} minutes' },
  { name: 'voice_out_minutes', type: 'number', unit: 'minutes', definition: 'Minutes of voice calls made' },
  { name: 'avg_call_seconds', type: 'number', unit: 'seconds', definition: 'Mean duration of a voice call' },
  { name: 'data_mb', scale: 'log', type: 'number', unit: 'MB', definition: 'Mobile data volume (volume_kb / 1024)', phrase: 'uses {v} MB of data' },
  { name: 'onnet_share', type: 'number', unit: 'share', definition: 'Share of calls and SMS with a party on our network (colleagues included)' },
  { name: 'offnet_share', type: 'number', unit: 'share', definition: 'Share of calls and SMS with other mobile networks' },
  { name: 'fixed_share', type: 'number', unit: 'share', definition: 'Share of calls and SMS with fixed lines' },
  { name: 'international_share', type: 'number', unit: 'share', definition: 'Share of calls and SMS with parties in other countries', phrase: 'has {v} of calls and SMS with other countries' },
  { name: 'special_share', type: 'number', unit: 'share', definition: 'Share of calls and SMS with special or premium numbers' },
  { name: 'internal_share', type: 'number', unit: 'share', definition: 'Share of calls and SMS with lines of the same account', phrase: 'has {v} of calls and SMS with colleagues' },
  { name: 'business_hours_share', type: 'number', unit: 'share', definition: 'Share of calls and SMS on weekdays within business hours (local time, config mart.business_hours_*)', phrase: 'has {v} of calls and SMS in business hours' },
  { name: 'evening_night_share', scale: 'logshare', type: 'number', unit: 'share', definition: 'Share of calls and SMS from mart.evening_start to business_hours_start (local time, any day)', phrase: 'has {v} of calls and SMS in the evening or at night' },
  { name: 'own_off_hours_share', scale: 'logshare', type: 'number', unit: 'share', definition: 'Share of the calls and SMS the line made outside business hours or at weekends: its own habits, not its callers\'', phrase: 'makes {v} of its calls and SMS out of working hours' },
  { name: 'own_internal_share', type: 'number', unit: 'share', definition: 'Share of the calls and SMS the line made that went to colleagues', phrase: 'makes {v} of its calls and SMS to colleagues' },
  { name: 'international_business_share', scale: 'logshare', type: 'number', unit: 'share', definition: 'Share of calls and SMS with other countries on weekdays within business hours: international business', phrase: 'has {v} of calls and SMS with other countries in working hours' },
  { name: 'international_private_share', scale: 'logshare', type: 'number', unit: 'share', definition: 'Share of calls and SMS with other countries in the evening, at night or at weekends: mostly private', phrase: 'has {v} of calls and SMS with other countries out of working hours' },
  { name: 'weekend_share', scale: 'logshare', type: 'number', unit: 'share', definition: 'Share of calls and SMS on Saturday or Sunday (local date)', phrase: 'has {v} of calls and SMS at weekends' },
  { name: 'active_days', type: 'integer', unit: 'days', definition: 'Days with at least one event' },
  { name: 'events_per_active_day', type: 'number', unit: 'events/day', definition: 'event_count / active_days' },
  { name: 'distinct_counterparts', type: 'integer', unit: 'parties', definition: 'Distinct parties called or messaged' },
  { name: 'distinct_internal_counterparts', type: 'integer', unit: 'parties', definition: 'Distinct colleagues (lines of the same account) called or messaged' },
  { name: 'distinct_external_counterparts', scale: 'log', type: 'integer', unit: 'parties', definition: 'Distinct parties outside the company called or messaged', phrase: 'talks to {v} outside parties' },
  { name: 'international_countries', type: 'integer', unit: 'countries', definition: 'Distinct countries called or messaged' },
  { name: 'distinct_cells', scale: 'log', type: 'integer', unit: 'cells', definition: 'Distinct serving cells: a proxy of mobility', phrase: 'moves across {v} cells' },
  { name: 'mobility_radius_km', type: 'number', unit: 'km', definition: 'Radius of gyration of the line\'s events at home whose cell has coordinates in the cells file: how far it moves (0 without two located events or without a cells file)', phrase: 'moves within {v} km' },
  { name: 'roaming_days', scale: 'log', type: 'integer', unit: 'days', definition: 'Days with at least one event abroad (roaming_country given)', phrase: 'roams abroad on {v} days' },
  { name: 'roaming_days_with_colleagues', type: 'integer', unit: 'days', scale: 'log', definition: 'Days abroad with at least one call or SMS with a colleague: travel on business rather than a holiday', phrase: 'is abroad on business (calling colleagues) on {v} days' },
  { name: 'roaming_countries', type: 'integer', unit: 'countries', definition: 'Distinct countries visited' },
  { name: 'roaming_events', type: 'integer', unit: 'events', definition: 'Events made abroad' },
  { name: 'charges', type: 'number', unit: 'currency', definition: 'Rated amount beyond the plan in the window (all of it)' },
  { name: 'roaming_charges', type: 'number', unit: 'currency', definition: 'Of the charges: those of records abroad (what a tariff with roaming absorbs)' },
  { name: 'international_charges', type: 'number', unit: 'currency', definition: 'Of the charges: those of calls and SMS to other countries made at home (what a tariff with international calls absorbs)' },
  { name: 'active_day_share', scale: 'logshare', type: 'number', unit: 'share', definition: 'active_days / presence_days: how many of its days the line is used at all', phrase: 'is used on {v} of its days' },
  { name: 'voice_out_per_active_day', type: 'number', unit: 'calls/day', scale: 'log', definition: 'Voice calls made per active day', phrase: 'makes {v} calls a day' },
  { name: 'voice_minutes_per_active_day', type: 'number', unit: 'minutes/day', scale: 'log', definition: 'Voice minutes per active day', phrase: 'talks {v} minutes a day' },
  { name: 'sms_per_active_day', type: 'number', unit: 'messages/day', scale: 'log', definition: 'SMS sent or received per active day', phrase: 'exchanges {v} SMS a day' },
  { name: 'data_mb_per_active_day', type: 'number', unit: 'MB/day', scale: 'log', definition: 'Mobile data per active day', phrase: 'uses {v} MB of data a day' },
  { name: 'roaming_day_share', type: 'number', unit: 'share', definition: 'roaming_days / active_days: how often the line is abroad when used', phrase: 'is abroad on {v} of its days' },
  { name: 'roaming_days_without_colleagues', type: 'integer', unit: 'days', scale: 'log', definition: 'Days abroad with no call or SMS with a colleague: more like a holiday than a business trip', phrase: 'is abroad without calling colleagues on {v} days' },
  { name: 'international_business_per_active_day', type: 'number', unit: 'calls/day', scale: 'log', definition: 'Calls and SMS with other countries on weekdays within business hours, per active day', phrase: 'has {v} calls and SMS a day with other countries in working hours' },
  { name: 'international_private_per_active_day', type: 'number', unit: 'calls/day', scale: 'log', definition: 'Calls and SMS with other countries in the evening, at night or at weekends, per active day', phrase: 'has {v} calls and SMS a day with other countries out of working hours' },
  { name: 'recharge_count', type: 'integer', unit: 'top-ups', definition: 'Prepaid top-ups in the window' },
  { name: 'recharge_amount', type: 'number', unit: 'currency', definition: 'Sum of prepaid top-ups in the window' },
  { name: 'recharge_channel', type: 'text', unit: 'category', definition: 'Most used top-up channel (ties: alphabetical); empty without top-ups' },
];

export function feature(name: string): FeatureDef | undefined {
  return FEATURES.find((f) => f.name === name);
}
