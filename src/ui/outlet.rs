//! The signed-in pages' outlet, built once per request on the server.
//!
//! Leptos' `<Outlet/>` is a closure, and on the server a closure is called once for each
//! pass over the view tree: the layout's `<Suspense>` walks its children to find their
//! resources (`dry_resolve`), then resolves them, then renders. Each call built the whole
//! page again, with its own resources, each of which was fetched (until `ctx::once`) and
//! is still written into the page for hydration: the leads page carried its 50 rows twice.
//! On the server the outlet skips the walk and is built when it is resolved; the page's own
//! `<Suspense>`/`<Transition>` boundaries wait for its data. In the browser it is Leptos'
//! outlet, which follows navigation.
use leptos::prelude::*;
use leptos_router::components::Outlet;

pub fn page_outlet() -> AnyView {
    #[cfg(feature = "ssr")]
    {
        server::BuiltOnce(Outlet().into_any()).into_any()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Outlet().into_any()
    }
}

#[cfg(feature = "ssr")]
mod server {
    use leptos::prelude::*;
    use leptos::tachys::{
        html::attribute::{any_attribute::AnyAttribute, Attribute},
        hydration::Cursor,
        ssr::StreamBuilder,
        view::{add_attr::AddAnyAttr, Position, PositionState},
    };

    pub struct BuiltOnce(pub AnyView);

    impl Render for BuiltOnce {
        type State = <AnyView as Render>::State;

        fn build(self) -> Self::State {
            self.0.build()
        }

        fn rebuild(self, state: &mut Self::State) {
            self.0.rebuild(state);
        }
    }

    impl AddAnyAttr for BuiltOnce {
        type Output<SomeNewAttr: Attribute> = Self;

        fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
        where
            Self::Output<NewAttr>: RenderHtml,
        {
            BuiltOnce(self.0.add_any_attr(attr).into_any())
        }
    }

    impl RenderHtml for BuiltOnce {
        type AsyncOutput = Self;
        type Owned = Self;
        const MIN_LENGTH: usize = 0;

        /// The walk that would build the page an extra time.
        fn dry_resolve(&mut self) {}

        async fn resolve(self) -> Self::AsyncOutput {
            BuiltOnce(self.0.resolve().await)
        }

        fn to_html_with_buf(
            self,
            buf: &mut String,
            position: &mut Position,
            escape: bool,
            mark_branches: bool,
            extra_attrs: Vec<AnyAttribute>,
        ) {
            self.0
                .to_html_with_buf(buf, position, escape, mark_branches, extra_attrs);
        }

        fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
            self,
            buf: &mut StreamBuilder,
            position: &mut Position,
            escape: bool,
            mark_branches: bool,
            extra_attrs: Vec<AnyAttribute>,
        ) where
            Self: Sized,
        {
            self.0.to_html_async_with_buf::<OUT_OF_ORDER>(
                buf,
                position,
                escape,
                mark_branches,
                extra_attrs,
            );
        }

        fn hydrate<const FROM_SERVER: bool>(
            self,
            cursor: &Cursor,
            position: &PositionState,
        ) -> Self::State {
            self.0.hydrate::<FROM_SERVER>(cursor, position)
        }

        fn into_owned(self) -> Self::Owned {
            self
        }
    }
}
