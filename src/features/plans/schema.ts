import { Type, type Static } from 'typebox';

export const PriceSchema = Type.Object({
  amount: Type.Number({ description: 'in currency units, e.g. 5.0' }),
  currency: Type.String({ description: 'upper-case ISO code' }),
  interval: Type.Union([Type.Literal('month'), Type.Literal('year'), Type.Null()], { description: 'null for a free plan' }),
});

export const PlanSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    description: Type.String(),
    monthly_price: Type.Union([PriceSchema, Type.Null()], { description: 'null when the price could not be read from Stripe' }),
    yearly_price: Type.Union([PriceSchema, Type.Null()]),
    is_current: Type.Boolean({ description: "whether this is the caller's plan" }),
  },
);

export type Price = Static<typeof PriceSchema>;
export type PlanBody = Static<typeof PlanSchema>;

export const PlanListQuery = Type.Object({
  billing: Type.Optional(Type.Union([Type.Literal('monthly'), Type.Literal('yearly')], { description: 'only plans sold with this billing period' })),
});
