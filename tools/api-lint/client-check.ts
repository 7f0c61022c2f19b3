// Compiles only if the TypeScript client generated from docs/openapi.json (openapi-typescript, typed calls through
// openapi-fetch) describes the calls an integrator makes: typed paths, parameters, bodies and replies.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api";

type WarrantyView = components["schemas"]["WarrantyView"];
type Problem = components["schemas"]["Problem"];

export async function warrantyOf(baseUrl: string, token: string, vin: string): Promise<WarrantyView | Problem> {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
  const { data, error } = await client.GET("/api/vehicles/{vin}/warranty", {
    params: { path: { vin }, query: { asOf: "2026-11-23", mileageKm: 12000 } },
  });
  return data ?? (error as Problem);
}

export async function recordReading(baseUrl: string, token: string, vin: string, key: string): Promise<string | undefined> {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
  const { data, error } = await client.POST("/api/vehicles/{vin}/odometer", {
    params: { path: { vin }, header: { "Idempotency-Key": key } },
    body: { readingKm: 12000, readAt: new Date().toISOString() },
  });
  return error ? (error as Problem).code : data?.vin;
}
