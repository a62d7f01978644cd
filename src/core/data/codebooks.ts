/**
 * Codebooks of the two UCI encodings of the German credit data, so ingested data reads in plain words.
 * Statlog: the dataset's documentation (german.doc). South German: Grömping's code table (2019).
 */

export interface ColumnSpec {
  readonly name: string;
  readonly role: 'numeric' | 'categorical' | 'ordinal' | 'target';
  /** code -> label, in codebook order (ordinal: low to high). */
  readonly codes?: Readonly<Record<string, string>>;
}

export const STATLOG_COLUMNS: readonly ColumnSpec[] = [
  { name: 'checking_status', role: 'categorical', codes: { A11: '< 0 DM', A12: '0 to 200 DM', A13: '>= 200 DM', A14: 'no checking account' } },
  { name: 'duration', role: 'numeric' },
  {
    name: 'credit_history', role: 'categorical', codes: {
      A30: 'no credits taken / all paid back duly', A31: 'all credits at this bank paid back duly',
      A32: 'existing credits paid back duly', A33: 'delay in paying off in the past', A34: 'critical account / other credits elsewhere',
    },
  },
  {
    name: 'purpose', role: 'categorical', codes: {
      A40: 'car (new)', A41: 'car (used)', A42: 'furniture/equipment', A43: 'radio/television', A44: 'domestic appliances',
      A45: 'repairs', A46: 'education', A47: 'vacation', A48: 'retraining', A49: 'business', A410: 'others',
    },
  },
  { name: 'credit_amount', role: 'numeric' },
  { name: 'savings', role: 'categorical', codes: { A61: '< 100 DM', A62: '100 to 500 DM', A63: '500 to 1000 DM', A64: '>= 1000 DM', A65: 'unknown / no savings account' } },
  { name: 'employment', role: 'ordinal', codes: { A71: 'unemployed', A72: '< 1 year', A73: '1 to 4 years', A74: '4 to 7 years', A75: '>= 7 years' } },
  { name: 'installment_rate', role: 'numeric' },
  {
    name: 'personal_status', role: 'categorical', codes: {
      A91: 'male: divorced/separated', A92: 'female: divorced/separated/married', A93: 'male: single',
      A94: 'male: married/widowed', A95: 'female: single',
    },
  },
  { name: 'other_debtors', role: 'categorical', codes: { A101: 'none', A102: 'co-applicant', A103: 'guarantor' } },
  { name: 'residence_since', role: 'numeric' },
  { name: 'property', role: 'categorical', codes: { A121: 'real estate', A122: 'building society savings / life insurance', A123: 'car or other', A124: 'unknown / no property' } },
  { name: 'age', role: 'numeric' },
  { name: 'other_plans', role: 'categorical', codes: { A141: 'bank', A142: 'stores', A143: 'none' } },
  { name: 'housing', role: 'categorical', codes: { A151: 'rent', A152: 'own', A153: 'for free' } },
  { name: 'existing_credits', role: 'numeric' },
  { name: 'job', role: 'categorical', codes: { A171: 'unemployed/unskilled non-resident', A172: 'unskilled resident', A173: 'skilled employee/official', A174: 'management/self-employed/highly qualified' } },
  { name: 'num_dependents', role: 'numeric' },
  { name: 'telephone', role: 'categorical', codes: { A191: 'none', A192: 'yes (registered)' } },
  { name: 'foreign_worker', role: 'categorical', codes: { A201: 'yes', A202: 'no' } },
  { name: 'class', role: 'target', codes: { '1': 'good', '2': 'bad' } },
];

export const SOUTH_GERMAN_COLUMNS: readonly ColumnSpec[] = [
  { name: 'status', role: 'categorical', codes: { '1': 'no checking account', '2': '< 0 DM', '3': '0 to 200 DM', '4': '>= 200 DM / salary for at least 1 year' } },
  { name: 'duration', role: 'numeric' },
  {
    name: 'credit_history', role: 'categorical', codes: {
      '0': 'delay in paying off in the past', '1': 'critical account/other credits elsewhere', '2': 'no credits taken/all credits paid back duly',
      '3': 'existing credits paid back duly till now', '4': 'all credits at this bank paid back duly',
    },
  },
  {
    name: 'purpose', role: 'categorical', codes: {
      '0': 'others', '1': 'car (new)', '2': 'car (used)', '3': 'furniture/equipment', '4': 'radio/television', '5': 'domestic appliances',
      '6': 'repairs', '7': 'education', '8': 'vacation', '9': 'retraining', '10': 'business',
    },
  },
  { name: 'amount', role: 'numeric' },
  { name: 'savings', role: 'categorical', codes: { '1': 'unknown/no savings account', '2': '< 100 DM', '3': '100 to 500 DM', '4': '500 to 1000 DM', '5': '>= 1000 DM' } },
  { name: 'employment_duration', role: 'ordinal', codes: { '1': 'unemployed', '2': '< 1 yr', '3': '1 to 4 yrs', '4': '4 to 7 yrs', '5': '>= 7 yrs' } },
  { name: 'installment_rate', role: 'numeric' },
  { name: 'personal_status_sex', role: 'categorical', codes: { '1': 'male: divorced/separated', '2': 'female: non-single or male: single', '3': 'male: married/widowed', '4': 'female: single' } },
  { name: 'other_debtors', role: 'categorical', codes: { '1': 'none', '2': 'co-applicant', '3': 'guarantor' } },
  { name: 'present_residence', role: 'numeric' },
  { name: 'property', role: 'categorical', codes: { '1': 'unknown / no property', '2': 'car or other', '3': 'building soc. savings agr./life insurance', '4': 'real estate' } },
  { name: 'age', role: 'numeric' },
  { name: 'other_installment_plans', role: 'categorical', codes: { '1': 'bank', '2': 'stores', '3': 'none' } },
  { name: 'housing', role: 'categorical', codes: { '1': 'for free', '2': 'rent', '3': 'own' } },
  { name: 'number_credits', role: 'numeric' },
  { name: 'job', role: 'categorical', codes: { '1': 'unemployed/unskilled - non-resident', '2': 'unskilled - resident', '3': 'skilled employee/official', '4': 'manager/self-employed/highly qualified' } },
  { name: 'people_liable', role: 'numeric' },
  { name: 'telephone', role: 'categorical', codes: { '1': 'no', '2': 'yes (under customer name)' } },
  { name: 'foreign_worker', role: 'categorical', codes: { '1': 'yes', '2': 'no' } },
  { name: 'credit_risk', role: 'target', codes: { '0': 'bad', '1': 'good' } },
];

/** The 10-column Kaggle derivative; `Job` is an integer 0..3 and stays numeric, as pandas reads it. */
export const KAGGLE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'Age', role: 'numeric' },
  { name: 'Sex', role: 'categorical' },
  { name: 'Job', role: 'numeric' },
  { name: 'Housing', role: 'categorical' },
  { name: 'Saving accounts', role: 'categorical' },
  { name: 'Checking account', role: 'categorical' },
  { name: 'Credit amount', role: 'numeric' },
  { name: 'Duration', role: 'numeric' },
  { name: 'Purpose', role: 'categorical' },
  { name: 'Risk', role: 'target' },
];
