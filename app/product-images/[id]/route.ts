import { pictureResponse } from "@/lib/admin/product-images";
import { errorResponse } from "@/lib/errors";

// A product picture the merchant uploaded, from the database (every app server serves the same ones). Each picture
// is immutable: a new upload gets a new id, so browsers and caches may keep it for a year.
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    return await pictureResponse((await params).id, request.headers.get("if-none-match"));
  } catch (error) {
    return errorResponse(error, { route: "product-images" });
  }
}
